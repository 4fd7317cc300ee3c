// Admin pictures: drag a thumbnail to reorder a product's pictures (the order is then posted like
// the "Move up"/"Move down" forms, which work without this script), and ask before a delete.
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  var list = document.querySelector("ol[data-order-form]");
  var form = list && document.getElementById(list.dataset.orderForm);
  if (!list || !form || !("draggable" in document.createElement("div"))) return;
  var hint = document.getElementById("drag-hint");
  if (hint) hint.hidden = false;
  var dragged = null;

  list.querySelectorAll(".picture-item .picture-thumb").forEach(function (handle) {
    handle.draggable = true;  // the thumbnail is the handle, so the text fields stay selectable
  });

  list.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".picture-thumb");
    if (!handle) return;
    dragged = handle.closest(".picture-item");
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });

  list.addEventListener("dragover", function (event) {
    if (!dragged) return;
    event.preventDefault();
    var over = event.target.closest && event.target.closest(".picture-item");
    if (!over || over === dragged) return;
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });

  list.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    var order = Array.prototype.map.call(list.querySelectorAll(".picture-item"), function (item) {
      return item.dataset.id;
    }).join(",");
    if (order === form.elements.order.value) return;
    form.elements.order.value = order;
    form.submit();  // saved, and the page comes back in the new order
  });
})();
