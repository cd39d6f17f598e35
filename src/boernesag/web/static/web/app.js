// Børnesag front-end start-up. No inline scripts anywhere (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
});
// HTMX sends the CSRF token from the hx-headers attribute on <body>.
