"""The template every organization starts with (seeded on first use). It is a sound
starting point, not legal advice: the editor says so, and a brand's counsel should adapt
it. Written in the sandboxed template language of contracts.templating."""

DEFAULT_TEMPLATE_NAME = "Creator partnership agreement"

DEFAULT_TEMPLATE_BODY = """\
<h1>Creator Partnership Agreement</h1>
<p class="lead">{{ campaign.name }}</p>

<h2>1. Parties</h2>
<p>This agreement is made between <strong>{{ brand.name }}</strong> (the "Brand"), represented \
by {{ brand.signer_name }}{% if brand.signer_title %}, {{ brand.signer_title }}{% endif %}, and \
<strong>{{ creator.name }}</strong> ({{ creator.email }}) (the "Creator"). It takes effect on \
{{ start_date }} (the "Start Date").</p>
<p>The Creator acts as an independent contractor. Nothing in this agreement creates an \
employment, agency or partnership relationship.</p>

<h2>2. Deliverables</h2>
<p>The Creator will create and publish the following content for the {{ campaign.name }} \
campaign:</p>
<table>
  <thead><tr><th>Platform</th><th>Content</th><th>Quantity</th><th>Due</th></tr></thead>
  <tbody>
  {% for d in deliverables %}
    <tr><td>{{ d.platform|capitalize }}</td><td>{{ d.type }}</td><td>{{ d.quantity }}</td>\
<td>{{ d.due_date }}</td></tr>
  {% endfor %}
  </tbody>
</table>

<h2>3. Timeline</h2>
<p>Work starts on {{ start_date }}. Each deliverable is submitted for approval at least three \
business days before its due date and published on or before its due date, unless both \
parties agree a new date in writing.</p>

<h2>4. Compensation and payment schedule</h2>
<p>The Brand will pay the Creator a fee of <strong>{{ fee.currency }} {{ fee.amount }}</strong>\
{% if commission_percent %}, plus a commission of {{ commission_percent }}% of net sales \
attributed to the Creator's tracking links and promo codes{% endif %}.</p>
{% if payment_schedule %}
<table>
  <thead><tr><th>Installment</th><th>Share</th><th>Amount</th><th>Payable</th></tr></thead>
  <tbody>
  {% for p in payment_schedule %}
    <tr><td>{{ loop.index }}</td><td>{{ p.percent }}%</td><td>{{ fee.currency }} \
{{ p.amount }}</td><td>{{ p.net_days }} days after {{ p.trigger }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p>The fee is payable within 30 days of publication of the last deliverable.</p>
{% endif %}
<p>The Creator is responsible for their own taxes on these amounts.</p>

<h2>5. Usage rights</h2>
{% if usage_rights.duration_days %}
<p>The Creator grants the Brand a non-exclusive licence to use the published content on \
{{ usage_rights.channels|join(", ") }} for {{ usage_rights.duration_days }} days from the \
Start Date, until {{ usage_rights.end_date }}. \
{% if usage_rights.paid_amplification %}The Brand may promote the content with paid media \
(paid amplification, including whitelisted or partnership ads) during that period.\
{% else %}The Brand may not promote the content with paid media.{% endif %}</p>
<p>After {{ usage_rights.end_date }} the Brand will not publish the content again; posts \
already published organically may remain.</p>
{% else %}
<p>The Brand may share and repost the Creator's published content on its own organic social \
channels, crediting the Creator. No other use and no paid amplification is licensed.</p>
{% endif %}
<p>The Creator keeps ownership of the content.</p>

<h2>6. Exclusivity</h2>
{% if exclusivity.duration_days %}
<p>From the Start Date until {{ exclusivity.end_date }} ({{ exclusivity.duration_days }} days) \
the Creator will not create paid or gifted content for a competitor of the Brand in these \
categories: {{ exclusivity.categories|join(", ") }}.</p>
{% else %}
<p>This agreement is not exclusive: the Creator may work with other brands.</p>
{% endif %}

<h2>7. Disclosure (FTC Endorsement Guides)</h2>
<p>The Creator will disclose the material connection with the Brand clearly and \
conspicuously in every piece of content, in the content itself and not only in a profile or \
behind a "more" link: using the platform's paid-partnership label where it exists and a \
plain disclosure such as <strong>#ad</strong> or "Paid partnership with {{ brand.name }}" at \
the start of the caption, and said aloud in video content. The Creator will only make claims \
that reflect their honest opinion and experience, and the Brand will not ask for claims the \
Creator cannot substantiate.</p>

<h2>8. Content approval</h2>
<p>The Creator submits each deliverable before publication. The Brand approves it or \
requests specific changes within three business days; silence after that period counts as \
approval. The Brand allows up to two rounds of changes per deliverable. The Brand may not \
require changes that would remove the disclosure or make the content misleading.</p>

<h2>9. Termination</h2>
<p>Either party may end this agreement with 14 days' written notice, or at once if the \
other party materially breaches it and does not fix the breach within 7 days of notice. \
On termination the Brand pays for deliverables published or approved up to that date, and \
usage rights continue only for content that was paid for.</p>

<h2>10. Governing law</h2>
<p>This agreement is governed by the laws of {{ governing_law }}. The parties will try in \
good faith to settle any dispute before going to court.</p>

<h2>11. Entire agreement and electronic signatures</h2>
<p>This document is the whole agreement between the parties about this campaign and \
replaces any earlier discussion. It may be changed only by a new version signed by both \
parties. The parties agree to sign it electronically, and that electronic signatures are \
as binding as handwritten ones.</p>
"""
