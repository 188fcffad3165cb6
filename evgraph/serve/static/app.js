/* evgraph serve: autocomplete and sortable tables. Text from the server is inserted with
   textContent only; links are built from encoded CURIEs under this origin. */
(function () {
  'use strict';

  function debounce(fn, ms) {
    var t = null;
    return function () { var args = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, args); }, ms); };
  }

  function autocomplete(input) {
    var list = input.parentNode.querySelector('ul.ac');
    if (!list) { return; }
    var mode = input.getAttribute('data-autocomplete');
    var active = -1, hits = [];
    function close() { list.hidden = true; list.textContent = ''; active = -1; }
    function pick(hit) {
      if (mode === 'go') { window.location.href = '/nodes/' + encodeURIComponent(hit.id); return; }
      input.value = hit.id;
      input.setAttribute('data-label', hit.label);
      close();
    }
    function show(data) {
      list.textContent = '';
      hits = data.hits || [];
      hits.forEach(function (hit, i) {
        var li = document.createElement('li');
        var b = document.createElement('span'); b.className = 'lbl'; b.textContent = hit.label; li.appendChild(b);
        var c = document.createElement('span'); c.className = 'cls'; c.textContent = ' ' + hit['class'] + ' '; li.appendChild(c);
        var code = document.createElement('code'); code.textContent = hit.id; li.appendChild(code);
        if (hit.matched !== hit.label && hit.matched !== hit.id) {
          var m = document.createElement('span'); m.className = 'note'; m.textContent = ' (' + hit.field + ': ' + hit.matched + ')';
          li.appendChild(m);
        }
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); pick(hit); });
        li.setAttribute('data-id', hit.id);
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
    }
    var lookup = debounce(function () {
      var q = input.value.trim();
      if (!q) { close(); return; }
      fetch('/api/v1/search?limit=8&q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { hits: [] }; })
        .then(function (data) { if (input.value.trim() === q) { show(data); } })
        .catch(function () { close(); });
    }, 120);
    input.addEventListener('input', lookup);
    input.addEventListener('blur', function () { setTimeout(close, 150); });
    input.addEventListener('keydown', function (ev) {
      var items = list.querySelectorAll('li');
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        if (!items.length) { return; }
        ev.preventDefault();
        active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
        items.forEach(function (li, i) { li.classList.toggle('active', i === active); });
      } else if (ev.key === 'Enter' && active >= 0 && hits[active]) {
        ev.preventDefault(); pick(hits[active]);
      } else if (ev.key === 'Escape') { close(); }
    });
  }

  function cellValue(td) {
    var t = td.textContent.trim();
    var n = Number(t);
    return (t !== '' && !isNaN(n)) ? { num: true, v: n } : { num: false, v: t.toLowerCase() };
  }

  function sortable(table) {
    var heads = table.querySelectorAll('thead th');
    heads.forEach(function (th, col) {
      th.setAttribute('tabindex', '0');
      th.setAttribute('role', 'button');
      function sort() {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[col] || a.cells[0]), y = cellValue(b.cells[col] || b.cells[0]);
          var r;
          if (x.num && y.num) { r = x.v - y.v; } else { r = String(x.v).localeCompare(String(y.v)); }
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { sort(); } });
    });
  }

  // a file picked for a table fills its textarea (read locally with FileReader; nothing is uploaded until submit)
  function fileFill(input) {
    var area = input.form && input.form.querySelector('textarea[name="' + input.getAttribute('data-fill') + '"]');
    if (!area) { return; }
    input.addEventListener('change', function () {
      var f = input.files && input.files[0];
      if (!f) { return; }
      var reader = new FileReader();
      reader.onload = function () { area.value = String(reader.result); };
      reader.readAsText(f);
    });
  }

  document.querySelectorAll('input[data-autocomplete]').forEach(autocomplete);
  document.querySelectorAll('input[type=file][data-fill]').forEach(fileFill);
  document.querySelectorAll('table.sortable').forEach(sortable);
  document.body.setAttribute('data-ready', '1');
}());
