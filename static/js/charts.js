/* Draws every chart of a page with Apache ECharts (static/vendor/echarts), from the data the
 * page gives as json_script (exports.charts.Chart.spec); the Content-Security-Policy allows no
 * inline script, so this file is the only glue. Each chart's table is in the page already.
 *
 * A page that refreshes (the big screen) has an element with data-charts-refresh="<url>" and
 * data-refresh-seconds="<n>": every n seconds the JSON at url ({"charts": {name: spec},
 * "figures": {key: text}}) redraws the charts, rewrites their tables and the elements marked
 * data-figure="<key>", without reloading the page. It then sends the event
 * "lgsc:charts-refreshed" on document with the JSON as detail (for anything else the page
 * shows, e.g. the monthly rankings).
 *
 * Tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips carry inline
 * styles, which the policy refuses.
 */
(function () {
  "use strict";

  var charts = {};

  function locale() {
    var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
    return lang.indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function option(spec) {
    var large = !!spec.large;
    var font = large ? 28 : 13;
    var ink = large ? "#ffffff" : "#1a1a1a";  // the screen is white on near-black
    var drawn = spec.series.slice(0, spec.drawn || spec.series.length);
    var base = {
      animation: large,
      textStyle: { fontSize: font, color: ink },
      tooltip: { renderMode: "richText", trigger: spec.type === "pie" ? "item" : "axis" },
      legend: { show: drawn.length > 1 || spec.type === "pie" || spec.type === "stacked", top: 0, textStyle: { fontSize: font, color: ink } }
    };
    if (spec.empty) {  // "no data", never an empty box or a row of zeros without a word
      base.title = { text: spec.empty, left: "center", top: "middle", textStyle: { fontSize: font, fontWeight: "normal", color: large ? "#d8dde6" : "#4a4a4a" } };
    }
    if (spec.type === "pie") {
      base.series = [{
        type: "pie",
        name: drawn.length ? drawn[0].name : spec.title,
        radius: ["30%", "65%"],
        top: large ? 50 : 30,
        label: { fontSize: font, color: ink },
        data: spec.categories.map(function (name, i) {
          return { name: name, value: drawn.length ? drawn[0].data[i] : null };
        })
      }];
      return base;
    }
    base.grid = { left: large ? 80 : 50, right: 20, top: base.legend.show ? (large ? 70 : 40) : 20, bottom: large ? 70 : 40, containLabel: true };
    base.xAxis = { type: "category", data: spec.categories, axisLabel: { fontSize: font, color: ink, hideOverlap: true, interval: spec.categories.length <= 8 ? 0 : "auto" } };
    base.yAxis = { type: "value", minInterval: spec.percent ? 0 : 1, axisLabel: { fontSize: font, color: ink } };
    if (spec.percent) {
      base.yAxis.max = 100;
      base.yAxis.axisLabel.formatter = "{value}%";
    }
    base.series = drawn.map(function (line) {
      var one = { type: spec.type === "line" ? "line" : "bar", name: line.name, data: line.data, barMaxWidth: large ? 90 : 48 };
      if (spec.type === "stacked") { one.stack = "all"; }
      if (spec.type === "line") { one.connectNulls = false; one.symbolSize = large ? 12 : 6; }
      if (large) { one.label = { show: true, position: "top", fontSize: font, color: ink, formatter: function (p) { return p.value ? String(p.value) : ""; } }; }
      return one;
    });
    return base;
  }

  function tableRewrite(spec) {
    var table = document.getElementById("chart-" + spec.name + "-table");
    if (!table || !table.tBodies.length) { return; }
    var body = table.tBodies[0];
    while (body.firstChild) { body.removeChild(body.firstChild); }
    spec.categories.forEach(function (category, i) {
      var row = document.createElement("tr");
      var head = document.createElement("th");
      head.scope = "row";
      head.textContent = category;
      row.appendChild(head);
      spec.series.forEach(function (line) {
        var cell = document.createElement("td");
        var value = line.data[i];
        cell.className = "number";
        cell.textContent = value === null || value === undefined ? "\u2014" : String(value);
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }

  function draw(element, spec) {
    var chart = window.echarts.getInstanceByDom(element) ||
      window.echarts.init(element, null, { renderer: "canvas", locale: locale() });
    chart.setOption(option(spec), true);
    charts[spec.name] = chart;
  }

  function drawAll() {
    if (!window.echarts) { return; }
    var elements = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(elements, function (element) {
      var data = document.getElementById(element.getAttribute("data-chart"));
      if (!data) { return; }
      draw(element, JSON.parse(data.textContent));
    });
  }

  function refresh(source) {
    var url = source.getAttribute("data-charts-refresh");
    window.fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        Object.keys(data.charts || {}).forEach(function (name) {
          var spec = data.charts[name];
          var element = document.getElementById("chart-" + name);
          if (element) { draw(element, spec); }
          tableRewrite(spec);
        });
        Object.keys(data.figures || {}).forEach(function (key) {
          var nodes = document.querySelectorAll('[data-figure="' + key + '"]');
          Array.prototype.forEach.call(nodes, function (node) { node.textContent = String(data.figures[key]); });
        });
        source.setAttribute("data-refreshed", String(Date.now()));
        document.dispatchEvent(new window.CustomEvent("lgsc:charts-refreshed", { detail: data }));
      })
      .catch(function () { /* the next round tries again; the page keeps what it shows */ });
  }

  function start() {
    drawAll();
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (name) { charts[name].resize(); });
    });
    var sources = document.querySelectorAll("[data-charts-refresh]");
    Array.prototype.forEach.call(sources, function (source) {
      var seconds = parseInt(source.getAttribute("data-refresh-seconds") || "30", 10);
      window.setInterval(function () { refresh(source); }, Math.max(seconds, 5) * 1000);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
