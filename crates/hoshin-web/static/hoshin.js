// Hoshin's only script. The pages work without it; it only saves a click: choosing a stage shows it at once.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button[data-hide-with-script]");
    if (button) { button.hidden = true; }
  });
});

// The editor's forms: what an amount, a target or a value reads as, shown as the user types. Without the
// script the same reading is shown after saving.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-year]");
  if (!form) { return; }
  var prefix = document.documentElement.lang === "en" ? "/en" : "";
  var year = form.getAttribute("data-year");
  form.querySelectorAll("input[data-reading]").forEach(function (input) {
    var output = form.querySelector('output[for="' + input.id + '"]');
    if (!output) { return; }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.trim() === "") { output.textContent = ""; output.classList.remove("problem"); return; }
        var url = prefix + "/edit/preview?reading=" + encodeURIComponent(input.getAttribute("data-reading")) +
          "&year=" + encodeURIComponent(year) + "&text=" + encodeURIComponent(input.value);
        fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); })
          .then(function (answer) {
            output.textContent = answer.ok ? answer.shown : answer.problem;
            output.classList.toggle("problem", !answer.ok);
          }).catch(function () {});
      }, 250);
    });
  });
});
