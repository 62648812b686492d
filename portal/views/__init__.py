"""The creator portal's pages, one module per concern: `home` (the brand's home, payments,
claiming with an account, an account's collaborations across brands) and `collaboration`
(one collaboration: its offer with accept / counter / decline and the offer history).
Thin: every read is a campaigns selector, every write a campaigns service, acting as the
creator (Side.CREATOR). `common` holds what they share."""
