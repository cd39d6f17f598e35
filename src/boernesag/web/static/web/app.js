// Børnesag front-end start-up. No inline scripts anywhere (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
});
// HTMX sends the CSRF token from the hx-headers attribute on <body>.

// Size checks before a form is sent, so nothing typed is lost to a refused request.
// Progressive enhancement only: the server checks the same limits and re-renders the form.
(function () {
  "use strict";

  function mb(bytes) {
    return (bytes / 1000000).toLocaleString("da-DK", { maximumFractionDigits: 1 });
  }

  function textBytes(form) {
    var multipart = (form.enctype || "").indexOf("multipart") === 0;
    var total = 0;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      var value = el.value || "";
      total += multipart
        ? new Blob([value]).size + el.name.length
        : encodeURIComponent(value).length + encodeURIComponent(el.name).length + 2;
    });
    return total;
  }

  function tooLargeFile(form) {
    var found = null;
    form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      var max = parseInt(input.getAttribute("data-max-bytes"), 10);
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (!found && max && file.size > max) found = { input: input, file: file, max: max };
      });
    });
    return found;
  }

  function showError(form, heading, text, focusTarget) {
    var old = form.previousElementSibling;
    if (old && old.classList.contains("app-size-error")) old.remove();
    var alert = document.createElement("div");
    alert.className = "alert alert-error app-size-error";
    alert.setAttribute("role", "alert");
    alert.tabIndex = -1;
    var body = document.createElement("div");
    body.className = "alert-body";
    var h = document.createElement("p");
    h.className = "alert-heading";
    h.textContent = heading;
    var p = document.createElement("p");
    p.className = "alert-text";
    p.textContent = text;
    body.appendChild(h);
    body.appendChild(p);
    alert.appendChild(body);
    form.parentNode.insertBefore(alert, form);
    (focusTarget || alert).focus();
  }

  function fileMessage(big) {
    return "Filen " + big.file.name + " er for stor (" + mb(big.file.size) +
      " MB). Den største tilladte størrelse er " + mb(big.max) + " MB.";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]") || !input.form) return;
    var big = tooLargeFile(input.form);
    if (big) showError(input.form, "Filen kan ikke sendes", fileMessage(big));
  });

  // Capture phase: runs before any handler on the form itself (e.g. HTMX), which a refused
  // submission must not reach.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "post") return;
    var big = tooLargeFile(form);
    if (big) {
      event.preventDefault();
      event.stopPropagation();
      showError(form, "Det blev ikke sendt", fileMessage(big) + " Det du skrev, står stadig i felterne.", big.input);
      return;
    }
    var max = parseInt(document.body.getAttribute("data-max-text-bytes"), 10);
    var size = textBytes(form);
    if (max && size > max) {
      event.preventDefault();
      event.stopPropagation();
      showError(
        form,
        "Det blev ikke sendt",
        "Teksten fylder " + mb(size) + " MB, og en formular kan højst sende " + mb(max) +
          " MB. Det du skrev, står stadig i felterne: forkort teksten, eller gem den som et dokument på sagen."
      );
    }
  }, true);
})();

// The error summary: each link moves the focus into its field (a fragment link alone only
// scrolls), and the summary itself takes the focus when a form comes back with errors.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".app-error-summary a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    target.focus();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".app-error-summary");
    if (summary) summary.focus();
  });
})();

// The menu button on small screens, and tables that scroll inside their own box instead of
// widening the page (also tables that HTMX loads later).
(function () {
  "use strict";
  document.body && document.body.classList.add("app-js");
  document.addEventListener("DOMContentLoaded", function () {
    document.body.classList.add("app-js");
    var button = document.querySelector(".app-menu-button");
    var nav = document.getElementById("main-nav");
    if (button && nav) {
      button.addEventListener("click", function () {
        var open = nav.classList.toggle("app-nav-open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    wrapTables(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) { wrapTables(event.target); });

  function wrapTables(root) {
    (root.querySelectorAll ? root.querySelectorAll("table.table") : []).forEach(function (table) {
      if (table.parentElement && table.parentElement.classList.contains("app-table-scroll")) return;
      var box = document.createElement("div");
      box.className = "app-table-scroll";
      table.parentElement.insertBefore(box, table);
      box.appendChild(table);
      if (box.scrollWidth > box.clientWidth) {
        // a box that scrolls must be reachable and named for keyboard users
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        var caption = table.querySelector("caption");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tabel");
      }
    });
  }
})();
