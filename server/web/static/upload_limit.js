// Uploads over the server's limits are refused here, before sending, so nothing typed is lost:
// a form with data-max-bytes (the whole request) and data-max-file-bytes (each file) shows its
// data-total-message or data-file-message ({names}: the files) in its .upload-limit box.
"use strict";

document.querySelectorAll("form[data-max-bytes]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    const files = [...form.querySelectorAll("input[type=file]")].flatMap((i) => [...i.files]);
    const tooLarge = files.filter((f) => f.size > Number(form.dataset.maxFileBytes));
    const total = files.reduce((sum, f) => sum + f.size, 0);
    let message = "";
    if (tooLarge.length) {
      const names = tooLarge.map((f) => f.name).join(", ");
      message = form.dataset.fileMessage.replace("{names}", names);
    } else if (total > Number(form.dataset.maxBytes)) {
      message = form.dataset.totalMessage;
    }
    const box = form.querySelector(".upload-limit");
    box.textContent = message;
    box.hidden = !message;
    if (message) {
      event.preventDefault();
      box.focus();
    }
  });
});
