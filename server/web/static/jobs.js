// The job page refreshes its state until the job is done or failed (templates/jobs/job.html).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var finished = function (state) { return state === "done" || state === "failed"; };

  function show(job) {
    document.getElementById("job-state").textContent = job.state_label;
    document.getElementById("job-attempts").textContent = job.attempts;
    var bar = document.getElementById("job-progress");
    var total = job.progress.total || 1;
    bar.max = total;
    bar.value = job.progress.total ? job.progress.done : (job.state === "done" ? 1 : 0);
    document.getElementById("job-count").textContent =
      job.progress.total ? job.progress.done + "/" + job.progress.total : "";
    var error = document.getElementById("job-error");
    error.textContent = job.error || "";
    error.hidden = !job.error;
    var summary = document.getElementById("job-summary");
    summary.firstElementChild.textContent = job.summary || "";
    summary.hidden = !job.summary;
    var result = document.getElementById("job-result");
    if (job.result_link) { document.getElementById("job-result-link").href = job.result_link; }
    result.hidden = !job.result_link;
    box.dataset.state = job.state;
  }

  function poll() {
    if (finished(box.dataset.state)) { return; }
    fetch(box.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(job);
        // Bad rows and one-time passwords are shown by the page itself.
        if (finished(job.state) && job.reload) { window.location.reload(); }
      })
      .catch(function () { /* a dropped poll is retried on the next tick */ })
      .then(function () { if (!finished(box.dataset.state)) { window.setTimeout(poll, 1500); } });
  }
  window.setTimeout(poll, 1000);
}());
