/* The dashboard's charts (Apache ECharts, vendored under /static/vendor).
 *
 * Every chart draws a table of the page: an element with data-chart="line|bar|funnel|pie" names its
 * table (data-table, an id) and the column it plots (data-value-column). Labels are the first
 * cell of each body row, values the cells' data-value. The table stays the source of truth (and
 * what screen readers read); the chart is hidden from them. Charts are drawn on load and again
 * after HTMX swaps the dashboard in, and follow the width of the screen.
 */
(function () {
  "use strict";

  var drawn = [];
  var MAX_BARS = 15;
  var compact = new Intl.NumberFormat(document.documentElement.lang || undefined, { notation: "compact", maximumFractionDigits: 1 });
  var valueAxis = { type: "value", splitNumber: 3, axisLabel: { hideOverlap: true, formatter: function (value) { return compact.format(value); } } };

  function rowsOf(tableId, column) {
    var table = document.getElementById(tableId);
    var labels = [];
    var values = [];
    if (!table) {
      return { labels: labels, values: values };
    }
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      var cells = row.children;
      if (cells.length <= column || !cells[column].hasAttribute("data-value")) {
        return;
      }
      var value = parseFloat(cells[column].getAttribute("data-value"));
      labels.push(cells[0].textContent.trim());
      values.push(isNaN(value) ? 0 : value);
    });
    return { labels: labels, values: values };
  }

  function lineOption(data, name) {
    return {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, boundaryGap: false },
      yAxis: valueAxis,
      series: [{ name: name, type: "line", data: data.values, showSymbol: data.values.length < 40, areaStyle: { opacity: 0.15 } }]
    };
  }

  function barOption(data, name) {
    var labels = data.labels.slice(0, MAX_BARS).reverse();
    var values = data.values.slice(0, MAX_BARS).reverse();
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: valueAxis,
      yAxis: { type: "category", data: labels, axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ name: name, type: "bar", data: values }]
    };
  }

  function namedValues(data) {
    return data.labels.map(function (label, index) { return { name: label, value: data.values[index] }; });
  }

  function funnelOption(data, name) {
    return {
      tooltip: { trigger: "item" },
      series: [{
        name: name,
        type: "funnel",
        sort: "none",
        left: "5%",
        width: "90%",
        top: 8,
        bottom: 8,
        minSize: "8%",
        label: { position: "inside" },
        data: namedValues(data)
      }]
    };
  }

  function pieOption(data, name) {
    return {
      tooltip: { trigger: "item" },
      series: [{
        name: name,
        type: "pie",
        radius: ["40%", "70%"],
        label: { formatter: "{b}\n{d}%" },
        data: namedValues(data)
      }]
    };
  }

  var OPTIONS = { line: lineOption, bar: barOption, funnel: funnelOption, pie: pieOption };

  function draw(root) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll("[data-chart]"), function (element) {
      if (element.getAttribute("data-drawn") === "true") {
        return;
      }
      var kind = element.getAttribute("data-chart");
      var column = parseInt(element.getAttribute("data-value-column") || "1", 10);
      var data = rowsOf(element.getAttribute("data-table"), column);
      if (!OPTIONS[kind] || data.values.length === 0) {
        return;
      }
      if (kind === "bar") {
        element.style.height = Math.max(160, Math.min(data.values.length, MAX_BARS) * 30 + 40) + "px";
      }
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(OPTIONS[kind](data, element.getAttribute("data-name") || ""));
      element.setAttribute("data-drawn", "true");
      drawn.push(chart);
    });
  }

  function forgetRemoved() {
    drawn = drawn.filter(function (chart) {
      if (document.body.contains(chart.getDom())) {
        return true;
      }
      chart.dispose();
      return false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () {
    forgetRemoved();
    draw(document);
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
})();
