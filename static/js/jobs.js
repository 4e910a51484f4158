// Follows a job's progress from its JSON status; without scripts the page reloads itself instead.
(function () {
  "use strict";
  document.querySelectorAll("[data-job-status]").forEach(function (panel) {
    var bar = panel.querySelector("progress");
    if (!bar) { return; }  // already finished when the page was built
    var figures = panel.querySelector("[data-job-figures]");
    var message = panel.querySelector("[data-job-message]");
    function poll() {
      fetch(panel.getAttribute("data-job-status"), {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          if (job.finished) { window.location.reload(); return; }
          bar.value = job.percent;
          bar.textContent = job.percent + "%";
          if (figures) { figures.textContent = (job.total ? job.done + " / " + job.total + " " : "") + "(" + job.percent + "%)"; }
          if (message) { message.textContent = job.status_label + (job.message ? ": " + job.message : ""); }
          window.setTimeout(poll, 1500);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
}());
