// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons with data-confirm ask before submitting (no inline handlers: CSP forbids them).
  document.querySelectorAll("[data-confirm]").forEach((element) => {
    element.addEventListener("click", (event) => {
      if (!window.confirm(element.dataset.confirm)) event.preventDefault();
    });
  });
  document.querySelectorAll("form").forEach((form) => {
    // Validation styling only once someone tried to submit (see ipgar.css).
    form.addEventListener("invalid", () => form.classList.add("ipgar-submitted"), true);
    // A double click must not send the same form twice: the first submit disables its buttons.
    form.addEventListener("submit", (event) => {
      form.classList.add("ipgar-submitted");
      if (form.method.toLowerCase() !== "post") return;
      if (form.dataset.submitting) { event.preventDefault(); return; }
      form.dataset.submitting = "true";
    });
  });
});
