// duban's one script: small conveniences only. Every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask before an action that cannot be undone (data-confirm="…").
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (e) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // "Select all" for the 任务分解表 bulk edit (a checkbox with data-select-all="name").
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (b) {
        b.checked = box.checked;
      });
    });
  });
  // Filters apply as soon as a select changes (the 筛选 button stays for keyboards).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // "返回上一页" keeps what was typed in the form (the browser restores it).
  document.querySelectorAll("[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });
  // 打印 (督办单, 会议纪要): the print stylesheet lays the page out on A4.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // Show the extension date only when 延期 is chosen.
  document.querySelectorAll("select[data-toggle-due]").forEach(function (s) {
    var target = document.getElementById(s.getAttribute("data-toggle-due"));
    function sync() { if (target) { target.hidden = s.value !== "extension"; } }
    s.addEventListener("change", sync); sync();
  });
});
