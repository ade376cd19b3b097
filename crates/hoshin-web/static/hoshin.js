// Hoshin's only script. The pages work without it; it only saves a click: choosing a stage shows it at once.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button[data-hide-with-script]");
    if (button) { button.hidden = true; }
  });
});
