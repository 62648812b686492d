/* KOL Hub: the little behaviour the pages need. Every page works without it; this only
   adds the phone menu toggle, closing dropdowns, copy buttons, confirmations and
   dismissable messages. Loaded with `defer`, so the DOM is parsed when it runs. */
(function () {
  "use strict";

  var AUTO_DISMISS_MS = 6000;

  /* Phone widths: the sidebar is a top bar whose panel the toggle opens. */
  function setMenu(toggle, open) {
    var sidebar = toggle.closest("[data-sidebar]");
    if (!sidebar) return;
    sidebar.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    var label = toggle.querySelector("[data-menu-label]");
    if (label) label.textContent = open ? "Close menu" : "Open menu";
  }

  function closeMenus(except) {
    document.querySelectorAll("[data-menu-toggle][aria-expanded='true']").forEach(function (t) {
      if (t !== except) setMenu(t, false);
    });
  }

  /* Dropdowns are <details data-dropdown>: native open/close, we add outside-click and
     Escape, and keep only one open at a time. */
  function closeDropdowns(except) {
    document.querySelectorAll("details[data-dropdown][open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }

  document.addEventListener(
    "toggle",
    function (event) {
      var el = event.target;
      if (el.matches && el.matches("details[data-dropdown]") && el.open) closeDropdowns(el);
    },
    true
  );

  /* Copy to clipboard: <button data-copy="#id"> copies the element's value or text. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy failed"));
      } catch (error) {
        reject(error);
      } finally {
        document.body.removeChild(area);
      }
    });
  }

  function handleCopy(button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) return;
    var text = ("value" in target ? target.value : target.textContent).trim();
    var label = button.querySelector("[data-copy-label]") || button;
    var original = button.getAttribute("data-copy-original") || label.textContent;
    button.setAttribute("data-copy-original", original);
    copyText(text).then(
      function () {
        button.classList.add("is-copied");
        label.textContent = "Copied";
        announce("Copied to the clipboard.");
        window.setTimeout(function () {
          button.classList.remove("is-copied");
          label.textContent = original;
        }, 2000);
      },
      function () {
        label.textContent = "Select and copy";
        if (window.getSelection && document.createRange) {
          var range = document.createRange();
          range.selectNodeContents(target);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }
      }
    );
  }

  var liveRegion;
  function announce(text) {
    if (!liveRegion) {
      liveRegion = document.createElement("div");
      liveRegion.className = "visually-hidden";
      liveRegion.setAttribute("aria-live", "polite");
      document.body.appendChild(liveRegion);
    }
    liveRegion.textContent = "";
    window.setTimeout(function () {
      liveRegion.textContent = text;
    }, 30);
  }

  /* Messages: success and info fade out on their own; errors stay until dismissed. */
  function dismiss(flash) {
    if (!flash || flash.classList.contains("is-leaving")) return;
    flash.classList.add("is-leaving");
    window.setTimeout(function () {
      var list = flash.parentNode;
      flash.remove();
      if (list && list.classList.contains("flashes") && !list.children.length) list.remove();
    }, 300);
  }

  function init(root) {
    root.querySelectorAll("[data-js-only]").forEach(function (el) {
      el.hidden = false;
    });
    root.querySelectorAll("[data-autodismiss]").forEach(function (flash) {
      if (flash.hasAttribute("data-armed")) return;
      flash.setAttribute("data-armed", "");
      var timer = window.setTimeout(function () {
        dismiss(flash);
      }, AUTO_DISMISS_MS);
      // Do not pull a message away while someone is reading or focusing it.
      flash.addEventListener("mouseenter", function () {
        window.clearTimeout(timer);
      });
      flash.addEventListener("focusin", function () {
        window.clearTimeout(timer);
      });
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var toggle = target.closest("[data-menu-toggle]");
    if (toggle) {
      setMenu(toggle, toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    var copy = target.closest("[data-copy]");
    if (copy) {
      event.preventDefault();
      handleCopy(copy);
      return;
    }
    var close = target.closest("[data-dismiss]");
    if (close) {
      dismiss(close.closest(".flash"));
      return;
    }
    var open = target.closest("details[data-dropdown]");
    closeDropdowns(open);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var openDropdown = document.querySelector("details[data-dropdown][open]");
    if (openDropdown) {
      openDropdown.removeAttribute("open");
      var summary = openDropdown.querySelector("summary");
      if (summary) summary.focus();
      return;
    }
    var toggle = document.querySelector("[data-menu-toggle][aria-expanded='true']");
    if (toggle) {
      setMenu(toggle, false);
      toggle.focus();
    }
  });

  /* <form data-confirm="Question?">: ask before a destructive POST. */
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  /* Leaving phone width with the menu open should not leave it stuck open. */
  if (window.matchMedia) {
    var wide = window.matchMedia("(min-width: 768px)");
    var onChange = function (query) {
      if (query.matches) closeMenus(null);
    };
    if (wide.addEventListener) wide.addEventListener("change", onChange);
  }

  init(document);
  // Content swapped in by htmx gets the same treatment.
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt) init(event.detail.elt);
  });
})();
