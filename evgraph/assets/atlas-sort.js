(function () {
  'use strict';
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.querySelectorAll('th');
    heads.forEach(function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var vx = x.hasAttribute('data-v') ? parseFloat(x.getAttribute('data-v')) : x.textContent.toLowerCase();
          var vy = y.hasAttribute('data-v') ? parseFloat(y.getAttribute('data-v')) : y.textContent.toLowerCase();
          if (typeof vx === 'number' && isNaN(vx)) { vx = -Infinity; }
          if (typeof vy === 'number' && isNaN(vy)) { vy = -Infinity; }
          var c = vx < vy ? -1 : (vx > vy ? 1 : 0);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
}());
