// The catalog CSV import (/admin/catalog/csv): how much of the file has been sent, in its <progress>.
// (A file of its own: the Content-Security-Policy allows no inline script.)
document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = event.target.querySelector && event.target.querySelector("progress[data-upload-progress]");
  const { loaded, total } = event.detail;
  if (bar && total) {
    bar.value = Math.round((loaded / total) * 100);
    bar.textContent = `${bar.value}%`;
  }
});
