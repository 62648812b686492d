// The pipeline board: drag a card onto a column it may move to, and the same form the
// buttons use is posted (to_stage = that column). Columns it may not move to are dimmed;
// the server still decides, and says why when it refuses. Without JavaScript the buttons
// on each card do the same.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) return;
  var dragged = null;

  function columns() {
    return board.querySelectorAll(".board__column");
  }

  function allowed(column) {
    if (!dragged) return false;
    var next = (dragged.getAttribute("data-next") || "").split(" ");
    return next.indexOf(column.getAttribute("data-stage")) !== -1;
  }

  function clear() {
    columns().forEach(function (c) {
      c.classList.remove("is-drop-target", "is-drop-over", "is-drop-refused");
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-action"));
    columns().forEach(function (c) {
      if (c.contains(card)) return;
      c.classList.add(allowed(c) ? "is-drop-target" : "is-drop-refused");
    });
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clear();
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".board__column");
    if (!column || !allowed(column)) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    columns().forEach(function (c) {
      c.classList.toggle("is-drop-over", c === column);
    });
  });

  board.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".board__column");
    if (!column || !dragged || !allowed(column)) return;
    event.preventDefault();
    var source = dragged.querySelector("form.board-card__moves");
    if (!source) return;
    var stage = column.getAttribute("data-stage");
    if (stage === "cancelled" && !window.confirm("Cancel this collaboration? Cancelling is final.")) {
      return;
    }
    // Post the card's own form (its CSRF token and return address) with the chosen stage.
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "to_stage";
    input.value = stage;
    source.appendChild(input);
    source.submit();
  });

  // A button that needs a confirmation (cancelling is final).
  board.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm-click]");
    if (button && !window.confirm(button.getAttribute("data-confirm-click"))) {
      event.preventDefault();
    }
  });
})();
