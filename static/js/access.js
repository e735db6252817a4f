/* Archive access: the print button of A4 sheets (no inline scripts under the CSP). */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
