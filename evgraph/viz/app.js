/* evgraph view: builds the vis-network from the JSON data block. Every string that comes
   from the data is inserted with textContent (never innerHTML) and only http(s) links are
   made clickable, so labels such as <img src=x onerror=...> are shown as text. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('evgraph-data').textContent);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function safeUrl(u) { return (typeof u === 'string' && /^https?:\/\//i.test(u)) ? u : null; }
  function link(text, url) {
    var u = safeUrl(url);
    if (!u) { return el('span', text); }
    var a = el('a', text);
    a.href = u; a.target = '_blank'; a.rel = 'noopener noreferrer';
    return a;
  }
  // Each reference CURIE, info key and listed name is stored once in data.strings (items hold indices);
  // links are the prefix's resolver plus the local id, unless data.links / item.url say otherwise.
  var strings = data.strings || [];
  function own(obj, key) { return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key); }
  function resolve(curie) {
    var c = String(curie), i = c.indexOf(':');
    if (i < 0) { return null; }
    var prefix = c.slice(0, i);
    return own(data.resolvers, prefix) && typeof data.resolvers[prefix] === 'string' ? data.resolvers[prefix] + c.slice(i + 1) : null;
  }
  function str(i) { return own(strings, i) ? strings[i] : ''; }
  function refUrl(i) { return own(data.links, String(i)) ? data.links[String(i)] : resolve(str(i)); }
  function text(v) {
    if (v === null || typeof v !== 'object') { return v; }
    return (v.names || []).map(str).join(', ') + (v.more ? ' and ' + v.more + ' more' : '');
  }
  function describe(item, isEdge) {
    var box = el('div', null, 'tip');
    box.appendChild(el('b', isEdge ? item.headline : item.label));
    if (!isEdge && item.curie) {
      var p = el('div');
      p.appendChild(link(item.curie, own(item, 'url') ? item.url : resolve(item.curie)));
      box.appendChild(p);
    }
    (item.info || []).forEach(function (kv) {
      var d = el('div');
      d.appendChild(el('span', (typeof kv[0] === 'number' ? str(kv[0]) : kv[0]) + ': ', 'k'));
      d.appendChild(el('span', text(kv[1])));
      box.appendChild(d);
    });
    if (item.refs && item.refs.length) {
      var d = el('div');
      d.appendChild(el('span', 'references:', 'k'));
      var ul = el('ul');
      item.refs.forEach(function (r) { var li = el('li'); li.appendChild(link(str(r), refUrl(r))); ul.appendChild(li); });
      if (item.more_refs) { ul.appendChild(el('li', 'and ' + item.more_refs + ' more')); }
      d.appendChild(ul);
      box.appendChild(d);
    }
    return box;
  }

  var byId = {};
  var nodeItems = data.nodes.map(function (n) {
    byId[n.id] = n;
    // n.shown: the label as drawn (wrapped; "" when it would overlap another; the full name stays in n.label)
    var item = { id: n.id, label: (typeof n.shown === 'string') ? n.shown : n.label, x: n.x, y: n.y, shape: n.shape, size: n.size,
                 color: { background: n.color, border: n.mark ? '#111111' : '#444444',
                          highlight: { background: n.color, border: '#000000' } },
                 borderWidth: n.mark ? 4 : 1, title: describe(n, false) };
    if (n.shape === 'box') { item.font = { color: '#ffffff', strokeWidth: 0, size: 40 }; item.margin = 12; }
    return item;
  });
  var edgeById = {};
  var edgeItems = data.edges.map(function (e) {
    edgeById[e.id] = e;
    var item = { id: e.id, from: e.from, to: e.to, width: e.width, color: { color: e.color, opacity: 0.75 },
                 dashes: !!e.dashes, title: describe(e, true) };
    if (!e.arrow) { item.arrows = { to: { enabled: false } }; }
    else if (e.arrowhead === 'bar') { item.arrows = { to: { enabled: true, type: 'bar', scaleFactor: 0.6 } }; }
    if (e.label) { item.label = e.label; }
    return item;
  });
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var big = data.nodes.length > 500;
  var options = {
    physics: data.physics ? { enabled: true, solver: 'barnesHut', stabilization: { iterations: 150 } } : false,
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big },
    nodes: { font: { size: 14, strokeWidth: 3, strokeColor: '#ffffff' } },
    edges: { smooth: false, arrows: { to: { enabled: true, scaleFactor: 0.5 } }, font: { size: 11, align: 'middle' } }
  };
  var container = document.getElementById('evgraph-canvas');
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.evgraphNetwork = network;
  window.evgraphNodes = nodes;
  window.evgraphEdges = edges;
  window.evgraphData = data;
  network.once('afterDrawing', function () {
    window.evgraphDrawnAt = performance.now();
    document.body.setAttribute('data-drawn', String(nodes.length));
  });

  // ---- details panel
  var details = document.getElementById('evgraph-details');
  function showDetails(box) {
    details.textContent = '';
    details.appendChild(box);
  }
  network.on('click', function (params) {
    if (params.nodes.length) { showDetails(describe(byId[params.nodes[0]], false)); }
    else if (params.edges.length) { showDetails(describe(edgeById[params.edges[0]], true)); }
  });
  function focusNode(id) {
    if (!byId[id]) { return; }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showDetails(describe(byId[id], false));
  }

  // ---- legend and class filter
  var legend = document.getElementById('evgraph-legend');
  var shown = {};
  data.classes.forEach(function (c) {
    shown[c.name] = true;
    var row = el('label', null, 'legend-row');
    var box = el('input');
    box.type = 'checkbox'; box.checked = true; box.setAttribute('data-class', c.name);
    box.addEventListener('change', function () {
      shown[c.name] = box.checked;
      nodes.update(data.nodes.filter(function (n) { return n.cls === c.name; })
        .map(function (n) { return { id: n.id, hidden: !box.checked }; }));
    });
    var sw = el('span', null, 'swatch ' + c.shape);
    sw.style.background = c.color;
    row.appendChild(box); row.appendChild(sw); row.appendChild(el('span', c.label));
    row.appendChild(el('span', c.count, 'count'));
    legend.appendChild(row);
  });
  document.getElementById('evgraph-sizing').textContent = data.sizing || '';

  // ---- edge legend: what each edge colour, dash and arrowhead means in this view
  var edgeLegend = document.getElementById('evgraph-edge-legend');
  (data.legend || []).forEach(function (entry) {
    var row = el('div', null, 'legend-row');
    var line = el('span', null, 'edge-swatch' + (entry.dashes ? ' dashed' : '') + (entry.arrowhead === 'bar' ? ' bar' : '')
                  + (entry.arrow === false ? ' plain' : ''));
    line.style.borderTopColor = entry.color;
    line.style.color = entry.color;
    row.appendChild(line);
    row.appendChild(el('span', entry.label));
    edgeLegend.appendChild(row);
  });

  // ---- export: PNG of the canvas, SVG rebuilt from the drawn positions
  function download(name, href) {
    var a = document.createElement('a');
    a.download = name; a.href = href;
    document.body.appendChild(a); a.click(); a.remove();
  }
  function fileName(ext) { return (data.view || 'view') + '.' + ext; }
  function xml(t) { return String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
  function toSvg() {
    var pos = network.getPositions(), box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    var parts = [];
    Object.keys(pos).forEach(function (id) {
      var n = byId[id], p = pos[id], s = n.size || 10;
      box.x0 = Math.min(box.x0, p.x - s - 120); box.x1 = Math.max(box.x1, p.x + s + 120);
      box.y0 = Math.min(box.y0, p.y - s - 10); box.y1 = Math.max(box.y1, p.y + s + 60);
    });
    parts.push('<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
      + '<path d="M0 0 L10 5 L0 10 z" fill="context-stroke"/></marker></defs>');
    edges.get().forEach(function (e) {
      var a = pos[e.from], b = pos[e.to];
      if (!a || !b) { return; }
      var src = edgeById[e.id];
      parts.push('<line x1="' + a.x + '" y1="' + a.y + '" x2="' + b.x + '" y2="' + b.y + '" stroke="' + xml(src.color)
        + '" stroke-opacity="0.75" stroke-width="' + (src.width || 1) + '"' + (src.dashes ? ' stroke-dasharray="6 4"' : '')
        + (src.arrow !== false ? ' marker-end="url(#a)"' : '') + '/>');
    });
    nodes.get().forEach(function (item) {
      if (item.hidden) { return; }
      var n = byId[item.id], p = pos[item.id], s = n.size || 10;
      if (n.shape === 'box') {
        parts.push('<rect x="' + (p.x - s * 2) + '" y="' + (p.y - 12) + '" width="' + (s * 4) + '" height="24" fill="' + xml(n.color) + '"/>');
      } else {
        parts.push('<circle cx="' + p.x + '" cy="' + p.y + '" r="' + s + '" fill="' + xml(n.color) + '" stroke="#444"/>');
      }
      var lines = String(item.label || '').split('\n'), y0 = n.shape === 'box' ? p.y + 4 - (lines.length - 1) * 7 : p.y + s + 22;
      lines.forEach(function (line, i) {
        if (!line) { return; }
        parts.push('<text x="' + p.x + '" y="' + (y0 + i * 14) + '" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="14"'
          + ' stroke="#fff" stroke-width="3" paint-order="stroke">' + xml(line) + '</text>');
      });
    });
    var w = box.x1 - box.x0, h = box.y1 - box.y0;
    return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [box.x0, box.y0, w, h].join(' ') + '" width="' + Math.round(w)
      + '" height="' + Math.round(h) + '"><rect x="' + box.x0 + '" y="' + box.y0 + '" width="' + w + '" height="' + h
      + '" fill="#fff"/>' + parts.join('') + '</svg>';
  }
  window.evgraphSvg = toSvg;
  document.getElementById('evgraph-png').addEventListener('click', function () {
    var canvas = container.querySelector('canvas');
    canvas.toBlob(function (blob) {
      document.body.setAttribute('data-png', String(blob.size));
      download(fileName('png'), URL.createObjectURL(blob));
    });
  });
  document.getElementById('evgraph-svg').addEventListener('click', function () {
    var blob = new Blob([toSvg()], { type: 'image/svg+xml' });
    document.body.setAttribute('data-svg', String(blob.size));
    download(fileName('svg'), URL.createObjectURL(blob));
  });

  // ---- search
  var search = document.getElementById('evgraph-search');
  var hits = document.getElementById('evgraph-hits');
  function matches(q) {
    q = q.trim().toLowerCase();
    if (!q) { return []; }
    var out = [];
    for (var i = 0; i < data.nodes.length && out.length < 30; i++) {
      var n = data.nodes[i];
      if (!shown[n.cls]) { continue; }
      if (String(n.label).toLowerCase().indexOf(q) >= 0 || String(n.curie || '').toLowerCase().indexOf(q) >= 0) { out.push(n); }
    }
    return out;
  }
  search.addEventListener('input', function () {
    hits.textContent = '';
    matches(search.value).forEach(function (n) {
      var li = el('li', n.label + (n.curie ? ' (' + n.curie + ')' : ''));
      li.addEventListener('click', function () { focusNode(n.id); });
      hits.appendChild(li);
    });
  });
  search.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { var m = matches(search.value); if (m.length) { focusNode(m[0].id); } }
  });

  // ---- #node=ID in the address selects a node (the atlas tables link this way)
  function fromHash() {
    var h = window.location.hash.match(/^#node=(.+)$/);
    if (h) { focusNode(decodeURIComponent(h[1])); }
  }
  window.addEventListener('hashchange', fromHash);
  network.fit({ animation: false });
  fromHash();
}());
