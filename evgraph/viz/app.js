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
    var item = { id: n.id, label: n.label, x: n.x, y: n.y, shape: n.shape, size: n.size,
                 color: { background: n.color, border: n.mark ? '#111111' : '#444444',
                          highlight: { background: n.color, border: '#000000' } },
                 borderWidth: n.mark ? 4 : 1, title: describe(n, false) };
    if (n.shape === 'box') { item.font = { color: '#ffffff', strokeWidth: 0, size: 16 }; }
    return item;
  });
  var edgeById = {};
  var edgeItems = data.edges.map(function (e) {
    edgeById[e.id] = e;
    var item = { id: e.id, from: e.from, to: e.to, width: e.width, color: { color: e.color, opacity: 0.75 },
                 dashes: !!e.dashes, title: describe(e, true) };
    if (!e.arrow) { item.arrows = { to: { enabled: false } }; }
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
