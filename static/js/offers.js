// Offer forms: "+ Add a row" appends a blank row to a formset (deliverables, payment
// schedule, gifts) from its <template>, numbering it and bumping TOTAL_FORMS, so an offer
// can have as many rows as it needs. Without JavaScript the form still shows blank rows.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-row]");
    if (!button) return;
    var prefix = button.getAttribute("data-add-row");
    var form = button.closest("form");
    var total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = form.querySelector("template[data-empty-row='" + prefix + "']");
    var body = form.querySelector("tbody[data-rows='" + prefix + "']");
    if (!total || !template || !body) return;
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = body.lastElementChild && body.lastElementChild.querySelector("select, input");
    if (first) first.focus();
  });
})();
