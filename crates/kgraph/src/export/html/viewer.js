// kgraph viewer: written for kgraph, no third-party code. It reads the graph
// from #kg-data, draws it on a 2D canvas at the positions kgraph computed,
// and shows each relation's evidence inside its paragraph of the source.
// Every curated string reaches the page through textContent or a DOM
// property, never through innerHTML, so no label can become markup.
(function () {
  "use strict";

  var G = JSON.parse(document.getElementById("kg-data").textContent);
  var E = G.entities, R = G.relations, N = E.length, M = R.length;
  var MODALITY_STYLE = {
    actual: { dash: [], width: 1.4, grey: false, css: "" },
    historical: { dash: [], width: 1.4, grey: true, css: "grey" },
    proposed: { dash: [7, 4], width: 1.4, grey: false, css: "dashed" },
    hypothetical: { dash: [2, 3], width: 1.6, grey: false, css: "dotted" },
    recommended: { dash: [], width: 3, grey: false, css: "bold" }
  };
  var HISTORICAL_COLOR = "#9a9a9a";

  // ------------------------------------------------------------ indices
  var incident = []; // entity -> relation indices
  var degree = new Int32Array(N);
  for (var i = 0; i < N; i++) incident.push([]);
  var idToEntity = Object.create(null), idToRelation = Object.create(null);
  E.forEach(function (e, i) { idToEntity[e.id] = i; });
  R.forEach(function (r, i) {
    idToRelation[r.id] = i;
    incident[r.from].push(i);
    if (r.to !== r.from) incident[r.to].push(i);
    degree[r.from]++; degree[r.to]++;
  });
  // Parallel relations between one pair are drawn as separate arcs.
  var bend = new Float32Array(M);
  (function () {
    var pairs = new Map();
    R.forEach(function (r, i) {
      var key = r.from < r.to ? r.from * N + r.to : r.to * N + r.from;
      var list = pairs.get(key);
      if (list) list.push(i); else pairs.set(key, [i]);
    });
    pairs.forEach(function (list) {
      if (list.length < 2) return;
      list.forEach(function (ri, k) {
        var r = R[ri];
        var b = k - (list.length - 1) / 2;
        bend[ri] = r.from < r.to ? b : -b;
      });
    });
  })();
  var attributors = [];
  (function () {
    var seen = new Set();
    R.forEach(function (r) { (r.attributed_to || []).forEach(function (a) { seen.add(a); }); });
    attributors = Array.from(seen).sort(function (a, b) { return collate(E[a].label, E[b].label); });
  })();
  var byImportance = Array.from({ length: N }, function (_, i) { return i; })
    .sort(function (a, b) { return degree[b] - degree[a] || a - b; });

  function collate(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function typeLabel(r) { return G.types[r.type].label; }
  function edgeColor(r) {
    return G.modalities[r.modality].name === "historical" ? HISTORICAL_COLOR : G.types[r.type].color;
  }

  // --------------------------------------------------------------- state
  function emptyFilters() {
    return { kinds: new Set(), types: new Set(), modalities: new Set(), sources: new Set(),
      by: "", since: "", until: "", undated: true, negated: true };
  }
  var state = { hide: emptyFilters(), focus: -1, depth: 1, entity: -1, relation: -1 };
  var shownEntity = new Uint8Array(N), shownRelation = new Uint8Array(M);
  var shownEntityCount = 0, shownRelationCount = 0;

  function filtersRelations() {
    var h = state.hide;
    return h.types.size > 0 || h.modalities.size > 0 || h.sources.size > 0 || h.by !== "" ||
      h.since !== "" || h.until !== "" || !h.negated;
  }
  // A partial date (YYYY, YYYY-MM, YYYY-MM-DD) as the first and last day it
  // may mean, so that "2022" is within a range that ends 2022-03.
  function dateBounds(text) {
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(text || "");
    if (!m) return null;
    var start = m[1] + "-" + (m[2] || "01") + "-" + (m[3] || "01");
    var end = m[1] + "-" + (m[2] || "12") + "-" + (m[3] || "31");
    return [start, end];
  }
  function admitsRelation(r) {
    var h = state.hide;
    if (h.types.has(r.type) || h.modalities.has(r.modality)) return false;
    if (!h.negated && r.negated) return false;
    if (h.sources.size > 0) {
      var any = false;
      for (var k = 0; k < r.evidence.length; k++) if (!h.sources.has(r.evidence[k][0])) { any = true; break; }
      if (!any) return false;
    }
    if (h.by !== "") {
      var by = r.attributed_to || [];
      if (h.by === "author" ? by.length > 0 : by.indexOf(+h.by) < 0) return false;
    }
    if (h.since !== "" || h.until !== "" || !h.undated) {
      var bounds = dateBounds(r.date);
      if (!bounds) return h.undated;
      var since = dateBounds(h.since), until = dateBounds(h.until);
      if (since && bounds[1] < since[0]) return false;
      if (until && bounds[0] > until[1]) return false;
    }
    return true;
  }
  function admitsEntity(i) { return !state.hide.kinds.has(E[i].kind); }

  // The same rule as `kg export` with a selection: relations pass their
  // filters and join kept entities; with a focus, only what is reached
  // from it through kept relations within the depth; when relations are
  // filtered, entities left without a relation go (except the focus).
  function applyFilters() {
    var admitted = new Uint8Array(M);
    for (var r = 0; r < M; r++) admitted[r] = admitsRelation(R[r]) ? 1 : 0;
    shownEntity.fill(0);
    if (state.focus >= 0 && admitsEntity(state.focus)) {
      shownEntity[state.focus] = 1;
      var frontier = [state.focus];
      for (var d = 0; d < state.depth && frontier.length; d++) {
        var next = [];
        frontier.forEach(function (e) {
          incident[e].forEach(function (ri) {
            if (!admitted[ri]) return;
            var rel = R[ri], other = rel.from === e ? rel.to : rel.from;
            if (!shownEntity[other] && admitsEntity(other)) { shownEntity[other] = 1; next.push(other); }
          });
        });
        frontier = next;
      }
    } else if (state.focus < 0) {
      for (var e = 0; e < N; e++) shownEntity[e] = admitsEntity(e) ? 1 : 0;
    }
    shownRelationCount = 0;
    var touched = new Uint8Array(N);
    for (r = 0; r < M; r++) {
      var x = R[r];
      var keep = admitted[r] && shownEntity[x.from] && shownEntity[x.to];
      shownRelation[r] = keep ? 1 : 0;
      if (keep) { shownRelationCount++; touched[x.from] = 1; touched[x.to] = 1; }
    }
    if (filtersRelations()) {
      for (e = 0; e < N; e++) if (!touched[e] && e !== state.focus) shownEntity[e] = 0;
    }
    shownEntityCount = 0;
    for (e = 0; e < N; e++) shownEntityCount += shownEntity[e];
  }

  // ---------------------------------------------------------- URL hash
  function names(set, list) {
    return Array.from(set).map(function (i) { return list[i].name; }).sort().join(",");
  }
  function writeHash() {
    var p = [], h = state.hide;
    if (state.focus >= 0) { p.push("focus=" + enc(E[state.focus].id)); p.push("depth=" + state.depth); }
    if (state.entity >= 0) p.push("entity=" + enc(E[state.entity].id));
    if (state.relation >= 0) p.push("relation=" + enc(R[state.relation].id));
    if (h.kinds.size) p.push("hide-kinds=" + enc(names(h.kinds, G.kinds)));
    if (h.types.size) p.push("hide-types=" + enc(names(h.types, G.types)));
    if (h.modalities.size) p.push("hide-modalities=" + enc(names(h.modalities, G.modalities)));
    if (h.sources.size) p.push("hide-sources=" + enc(Array.from(h.sources).map(function (i) { return G.sources[i].id; }).sort().join(",")));
    if (h.by !== "") p.push("by=" + (h.by === "author" ? "author" : enc(E[+h.by].id)));
    if (h.since) p.push("since=" + enc(h.since));
    if (h.until) p.push("until=" + enc(h.until));
    if (!h.undated) p.push("undated=no");
    if (!h.negated) p.push("negated=no");
    var hash = p.length ? "#" + p.join("&") : "";
    if (hash !== location.hash && !(hash === "" && location.hash === "#")) {
      history.replaceState(null, "", hash || location.pathname + location.search);
    }
  }
  function enc(text) { return encodeURIComponent(text).replace(/%2C/g, ","); }
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var h = emptyFilters();
    function indexSet(value, list, key) {
      var set = new Set();
      if (!value) return set;
      value.split(",").forEach(function (name) {
        for (var i = 0; i < list.length; i++) if (list[i][key] === name) set.add(i);
      });
      return set;
    }
    h.kinds = indexSet(params.get("hide-kinds"), G.kinds, "name");
    h.types = indexSet(params.get("hide-types"), G.types, "name");
    h.modalities = indexSet(params.get("hide-modalities"), G.modalities, "name");
    h.sources = indexSet(params.get("hide-sources"), G.sources, "id");
    var by = params.get("by");
    if (by === "author") h.by = "author";
    else if (by && by in idToEntity) h.by = String(idToEntity[by]);
    h.since = dateBounds(params.get("since")) ? params.get("since") : "";
    h.until = dateBounds(params.get("until")) ? params.get("until") : "";
    h.undated = params.get("undated") !== "no";
    h.negated = params.get("negated") !== "no";
    state.hide = h;
    var focus = params.get("focus");
    state.focus = focus !== null && focus in idToEntity ? idToEntity[focus] : -1;
    var depth = parseInt(params.get("depth"), 10);
    state.depth = depth >= 1 && depth <= 3 ? depth : 1;
    var entity = params.get("entity"), relation = params.get("relation");
    state.entity = entity !== null && entity in idToEntity ? idToEntity[entity] : -1;
    state.relation = relation !== null && relation in idToRelation ? idToRelation[relation] : -1;
    if (state.relation >= 0) state.entity = -1;
  }

  // --------------------------------------------------------------- DOM
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  var $ = function (id) { return document.getElementById(id); };
  var canvas = $("kg-canvas"), panel = $("kg-panel");
  var ctx = canvas.getContext("2d");

  // --------------------------------------------------------- the drawing
  var view = { scale: 1, x: 0, y: 0, width: 0, height: 0, ratio: 1 };
  var NODE_RADIUS = new Float32Array(N);
  for (i = 0; i < N; i++) NODE_RADIUS[i] = Math.min(16, 5 + 1.6 * Math.sqrt(degree[i]));
  var hovered = -1;
  var drawPending = false;

  function toScreen(i) { return [E[i].x * view.scale + view.x, E[i].y * view.scale + view.y]; }
  function radius(i) { return Math.max(2, NODE_RADIUS[i] * Math.min(1.4, Math.sqrt(view.scale))); }

  function resize() {
    var box = canvas.getBoundingClientRect();
    view.ratio = window.devicePixelRatio || 1;
    view.width = box.width; view.height = box.height;
    canvas.width = Math.max(1, Math.round(box.width * view.ratio));
    canvas.height = Math.max(1, Math.round(box.height * view.ratio));
  }

  // Fits the view to the shown entities, or to those in `only`.
  function fit(only) {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, any = false;
    for (var i = 0; i < N; i++) {
      if (!shownEntity[i] || (only && !only.has(i))) continue;
      any = true;
      var half = Math.min(32, E[i].label.length) * 3.4 + 8;
      minX = Math.min(minX, E[i].x - half); maxX = Math.max(maxX, E[i].x + half);
      minY = Math.min(minY, E[i].y - 14); maxY = Math.max(maxY, E[i].y + 26);
    }
    if (!any) { minX = minY = -100; maxX = maxY = 100; }
    var w = Math.max(maxX - minX, 1), h = Math.max(maxY - minY, 1);
    var s = Math.min((view.width - 40) / w, (view.height - 40) / h, 2.2);
    view.scale = s > 0 ? s : 1;
    view.x = view.width / 2 - (minX + maxX) / 2 * view.scale;
    view.y = view.height / 2 - (minY + maxY) / 2 * view.scale;
  }
  function requestDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(function () { drawPending = false; draw(); });
  }

  // Which relations and entities stand out: those of the selection.
  function emphasis() {
    var nodes = null, edges = null;
    if (state.relation >= 0) {
      var r = R[state.relation];
      nodes = new Set([r.from, r.to]); edges = new Set([state.relation]);
    } else if (state.entity >= 0) {
      nodes = new Set([state.entity]); edges = new Set();
      incident[state.entity].forEach(function (ri) {
        if (!shownRelation[ri]) return;
        edges.add(ri); nodes.add(R[ri].from); nodes.add(R[ri].to);
      });
    }
    return { nodes: nodes, edges: edges };
  }

  // The control point of a relation's arc in screen space, or null for a
  // straight line.
  function controlPoint(ri, a, b) {
    if (!bend[ri]) return null;
    var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
    var r = R[ri], sign = r.from < r.to ? 1 : -1;
    var off = bend[ri] * sign * Math.min(28, 0.25 * len + 6);
    return [(a[0] + b[0]) / 2 - dy / len * off, (a[1] + b[1]) / 2 + dx / len * off];
  }

  function strokeRelation(ri, a, b) {
    var c = controlPoint(ri, a, b);
    ctx.moveTo(a[0], a[1]);
    if (c) ctx.quadraticCurveTo(c[0], c[1], b[0], b[1]); else ctx.lineTo(b[0], b[1]);
  }

  function arrowHead(ri, a, b, size) {
    var c = controlPoint(ri, a, b) || a;
    var dx = b[0] - c[0], dy = b[1] - c[1], len = Math.sqrt(dx * dx + dy * dy);
    if (len < 1) return;
    dx /= len; dy /= len;
    var rr = radius(R[ri].to) + 1.5;
    var tipX = b[0] - dx * rr, tipY = b[1] - dy * rr;
    ctx.moveTo(tipX, tipY);
    ctx.lineTo(tipX - dx * size - dy * size * 0.45, tipY - dy * size + dx * size * 0.45);
    ctx.lineTo(tipX - dx * size + dy * size * 0.45, tipY - dy * size - dx * size * 0.45);
    ctx.closePath();
  }

  function midpoint(ri, a, b) {
    var c = controlPoint(ri, a, b);
    if (!c) return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    return [0.25 * a[0] + 0.5 * c[0] + 0.25 * b[0], 0.25 * a[1] + 0.5 * c[1] + 0.25 * b[1]];
  }

  // An entity's shape drawn once per kind and size (to a quarter pixel)
  // on a small canvas, then stamped: far cheaper than filling thousands of
  // paths.
  var sprites = new Map();
  function sprite(kindIndex, r) {
    var rounded = Math.round(r * 4) / 4, key = kindIndex * 1000 + rounded * 4 + "|" + view.ratio;
    var image = sprites.get(key);
    if (image) return image;
    var kind = G.kinds[kindIndex], size = Math.ceil(rounded * 2.6 + 4);
    image = document.createElement("canvas");
    image.width = image.height = Math.ceil(size * view.ratio);
    var c = image.getContext("2d"), saved = ctx;
    c.scale(view.ratio, view.ratio);
    ctx = c;
    ctx.beginPath(); shapePath(kind.shape, size / 2, size / 2, rounded);
    ctx.fillStyle = kind.color; ctx.fill();
    ctx.lineWidth = 1; ctx.strokeStyle = "rgba(0,0,0,.55)"; ctx.stroke();
    ctx = saved;
    image.size = size; image.half = size / 2;
    sprites.set(key, image);
    return image;
  }

  // Adds an entity's shape to the current path (the caller begins and
  // fills it, so that many shapes take one fill).
  function shapePath(shape, x, y, r) {
    if (shape === "square") { ctx.rect(x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76); return; }
    if (shape === "diamond") { ctx.moveTo(x, y - r * 1.15); ctx.lineTo(x + r * 1.15, y); ctx.lineTo(x, y + r * 1.15); ctx.lineTo(x - r * 1.15, y); ctx.closePath(); return; }
    if (shape === "triangle") { ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r * 1.1, y + r * 0.8); ctx.lineTo(x - r * 1.1, y + r * 0.8); ctx.closePath(); return; }
    if (shape === "hexagon") {
      for (var k = 0; k < 6; k++) {
        var angle = Math.PI / 3 * k;
        var px = x + r * 1.05 * Math.cos(angle), py = y + r * 1.05 * Math.sin(angle);
        if (k) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      }
      ctx.closePath(); return;
    }
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
  }

  // Each relation's stroke style as a small number, so that drawing can
  // batch relations without building strings: colour, modality, negation.
  var strokeColors = [], styleOf = new Int32Array(M);
  (function () {
    var colorIndex = new Map();
    R.forEach(function (r, ri) {
      var color = edgeColor(r);
      if (!colorIndex.has(color)) { colorIndex.set(color, strokeColors.length); strokeColors.push(color); }
      styleOf[ri] = (colorIndex.get(color) * G.modalities.length + r.modality) * 2 + (r.negated ? 1 : 0);
    });
  })();

  function draw() {
    var W = view.width, H = view.height;
    ctx.setTransform(view.ratio, 0, 0, view.ratio, 0, 0);
    ctx.clearRect(0, 0, W, H);
    var em = emphasis();
    var pos = new Array(N);
    for (var i = 0; i < N; i++) if (shownEntity[i]) pos[i] = toScreen(i);
    var margin = 40, left = -margin, right = W + margin, top = -margin, bottom = H + margin;
    // With thousands of relations on screen, dashes, arcs and arrowheads
    // cost more than they tell: thin straight lines until zoomed in.
    var many = shownRelationCount > 4000 && view.scale < 1.5;
    // Relations, batched by style so that 50,000 take a few strokes.
    var batches = new Map();
    var emphasised = [];
    for (var ri = 0; ri < M; ri++) {
      if (!shownRelation[ri]) continue;
      var r = R[ri], a = pos[r.from], b = pos[r.to];
      if ((a[0] < left && b[0] < left) || (a[0] > right && b[0] > right) ||
        (a[1] < top && b[1] < top) || (a[1] > bottom && b[1] > bottom)) continue;
      if (em.edges && em.edges.has(ri)) { emphasised.push(ri); continue; }
      var list = batches.get(styleOf[ri]);
      if (list) list.push(ri); else batches.set(styleOf[ri], [ri]);
    }
    var faded = em.edges !== null;
    var modalityCount = G.modalities.length;
    batches.forEach(function (list, key) {
      var negated = key % 2 === 1, modality = (key >> 1) % modalityCount;
      var color = strokeColors[Math.floor((key >> 1) / modalityCount)];
      var style = MODALITY_STYLE[G.modalities[modality].name];
      ctx.strokeStyle = color; ctx.fillStyle = color;
      ctx.globalAlpha = faded ? 0.12 : (many ? 0.35 : 0.75);
      ctx.lineWidth = many ? 1 / view.ratio : style.width;
      ctx.setLineDash(many ? [] : negated ? [1.5, 3.5] : style.dash);
      ctx.beginPath();
      var k, x;
      if (many) {
        for (k = 0; k < list.length; k++) {
          x = R[list[k]];
          ctx.moveTo(pos[x.from][0], pos[x.from][1]); ctx.lineTo(pos[x.to][0], pos[x.to][1]);
        }
      } else {
        for (k = 0; k < list.length; k++) { x = R[list[k]]; strokeRelation(list[k], pos[x.from], pos[x.to]); }
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (!many) {
        ctx.beginPath();
        for (k = 0; k < list.length; k++) { x = R[list[k]]; arrowHead(list[k], pos[x.from], pos[x.to], 7); }
        ctx.fill();
        if (negated) list.forEach(function (ri) { negationMark(ri, pos[R[ri].from], pos[R[ri].to], faded ? 0.2 : 1); });
      }
    });
    ctx.globalAlpha = 1;
    emphasised.forEach(function (ri) {
      var r = R[ri], style = MODALITY_STYLE[G.modalities[r.modality].name], color = edgeColor(r);
      var selected = ri === state.relation;
      ctx.strokeStyle = color; ctx.fillStyle = color;
      ctx.lineWidth = style.width + (selected ? 2.2 : 1);
      ctx.setLineDash(r.negated ? [2, 4] : style.dash.map(function (v) { return v * 1.3; }));
      if (selected) {
        ctx.save(); ctx.strokeStyle = "rgba(255,214,0,.55)"; ctx.lineWidth += 7; ctx.setLineDash([]);
        ctx.beginPath(); strokeRelation(ri, pos[r.from], pos[r.to]); ctx.stroke(); ctx.restore();
      }
      ctx.beginPath(); strokeRelation(ri, pos[r.from], pos[r.to]); ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath(); arrowHead(ri, pos[r.from], pos[r.to], 9); ctx.fill();
      if (r.negated) negationMark(ri, pos[r.from], pos[r.to], 1);
    });
    // Entities as stamped images of their shape; thousands of them at a
    // glance as plain squares of their kind's colour, one fill style per
    // kind. Then the special ones.
    var special = [], crowd = shownEntityCount > 2000 && view.scale < 1.5, squares = new Map();
    for (i = 0; i < N; i++) {
      if (!shownEntity[i]) continue;
      var p = pos[i];
      if (p[0] < left || p[0] > right || p[1] < top || p[1] > bottom) continue;
      if (i === state.entity || i === state.focus || i === hovered) { special.push(i); continue; }
      var fadedNode = em.nodes && !em.nodes.has(i);
      if (crowd) {
        var key = E[i].kind * 2 + (fadedNode ? 1 : 0), members = squares.get(key);
        if (members) members.push(i); else squares.set(key, [i]);
        continue;
      }
      var image = sprite(E[i].kind, radius(i));
      ctx.globalAlpha = fadedNode ? 0.25 : 1;
      ctx.drawImage(image, p[0] - image.half, p[1] - image.half, image.size, image.size);
    }
    squares.forEach(function (members, key) {
      ctx.globalAlpha = key % 2 ? 0.25 : 1;
      ctx.fillStyle = G.kinds[key >> 1].color;
      for (var k = 0; k < members.length; k++) {
        var j = members[k], r = radius(j) * 0.8;
        ctx.fillRect(pos[j][0] - r, pos[j][1] - r, 2 * r, 2 * r);
      }
    });
    ctx.globalAlpha = 1;
    special.forEach(function (j) {
      var kind = G.kinds[E[j].kind], rad = radius(j), p = pos[j];
      ctx.beginPath(); shapePath(kind.shape, p[0], p[1], rad);
      ctx.fillStyle = kind.color; ctx.fill();
      ctx.lineWidth = 2.5; ctx.strokeStyle = "#0b5cad"; ctx.stroke();
      if (j === state.focus) {
        ctx.beginPath(); ctx.arc(p[0], p[1], rad + 5, 0, Math.PI * 2);
        ctx.setLineDash([3, 3]); ctx.lineWidth = 1.5; ctx.stroke(); ctx.setLineDash([]);
      }
    });
    drawLabels(pos, em);
  }

  // A red cross in the middle of a negated relation, faded with the others
  // when something else is selected.
  function negationMark(ri, a, b, alpha) {
    var m = midpoint(ri, a, b), s = 5;
    ctx.save(); ctx.setLineDash([]); ctx.strokeStyle = "#b3261e"; ctx.lineWidth = 2; ctx.globalAlpha = alpha;
    ctx.beginPath();
    ctx.moveTo(m[0] - s, m[1] - s); ctx.lineTo(m[0] + s, m[1] + s);
    ctx.moveTo(m[0] - s, m[1] + s); ctx.lineTo(m[0] + s, m[1] - s);
    ctx.stroke(); ctx.restore();
  }

  // Labels go where they do not overlap a label already placed, the
  // selection and the best-connected entities first.
  function drawLabels(pos, em) {
    var W = view.width, H = view.height, placed = [], CELL = 64, grid = new Map();
    function free(x0, y0, x1, y1) {
      for (var gx = Math.floor(x0 / CELL); gx <= Math.floor(x1 / CELL); gx++)
        for (var gy = Math.floor(y0 / CELL); gy <= Math.floor(y1 / CELL); gy++) {
          var cell = grid.get(gx + "," + gy);
          if (!cell) continue;
          for (var k = 0; k < cell.length; k++) {
            var o = cell[k];
            if (x0 < o[2] && x1 > o[0] && y0 < o[3] && y1 > o[1]) return false;
          }
        }
      return true;
    }
    function take(box) {
      placed.push(box);
      for (var gx = Math.floor(box[0] / CELL); gx <= Math.floor(box[2] / CELL); gx++)
        for (var gy = Math.floor(box[1] / CELL); gy <= Math.floor(box[3] / CELL); gy++) {
          var key = gx + "," + gy, cell = grid.get(key);
          if (cell) cell.push(box); else grid.set(key, [box]);
        }
    }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    var font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    var bold = "600 13px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    function label(i, strong) {
      var p = pos[i];
      if (!p || p[0] < -50 || p[0] > W + 50 || p[1] < -30 || p[1] > H + 30) return;
      var text = shortLabel(E[i].label);
      ctx.font = strong ? bold : font;
      var w = ctx.measureText(text).width, y = p[1] + radius(i) + 3;
      var box = [p[0] - w / 2 - 2, y - 1, p[0] + w / 2 + 2, y + 15];
      if (!strong && !free(box[0], box[1], box[2], box[3])) return;
      take(box);
      ctx.globalAlpha = em.nodes && !em.nodes.has(i) ? 0.35 : 1;
      ctx.strokeStyle = "rgba(255,255,255,.92)"; ctx.lineWidth = 3.5;
      ctx.strokeText(text, p[0], y);
      ctx.fillStyle = "#1d2329"; ctx.fillText(text, p[0], y);
    }
    var first = [];
    if (state.entity >= 0) first.push(state.entity);
    if (state.focus >= 0) first.push(state.focus);
    if (hovered >= 0) first.push(hovered);
    first.forEach(function (i) { if (shownEntity[i]) label(i, true); });
    if (em.nodes) em.nodes.forEach(function (i) { if (shownEntity[i] && first.indexOf(i) < 0) label(i, false); });
    // Relation labels for the selection, or for every relation when few
    // are drawn and there is room.
    var edgeLabels = [];
    if (em.edges) em.edges.forEach(function (ri) { edgeLabels.push(ri); });
    ctx.font = "11px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    ctx.textBaseline = "middle";
    edgeLabels.forEach(function (ri) { relationLabel(ri, true); });
    ctx.textBaseline = "top";
    var budget = 600;
    for (var k = 0; k < byImportance.length && budget > 0; k++) {
      var i = byImportance[k];
      if (!shownEntity[i] || first.indexOf(i) >= 0 || (em.nodes && em.nodes.has(i))) continue;
      if (view.scale < 0.25 && degree[i] < 3) continue;
      label(i, false); budget--;
    }
    if (!em.edges && shownRelationCount <= 400 && view.scale >= 0.9) {
      ctx.font = "11px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
      ctx.textBaseline = "middle";
      for (var ri = 0; ri < M; ri++) if (shownRelation[ri]) relationLabel(ri, false);
    }
    ctx.globalAlpha = 1;
    function relationLabel(ri, strong) {
      var r = R[ri], a = pos[r.from], b = pos[r.to];
      if (!a || !b) return;
      var m = midpoint(ri, a, b);
      if (m[0] < -50 || m[0] > W + 50 || m[1] < -20 || m[1] > H + 20) return;
      var text = (r.negated ? "not: " : "") + typeLabel(r);
      var w = ctx.measureText(text).width;
      var box = [m[0] - w / 2 - 3, m[1] - 8, m[0] + w / 2 + 3, m[1] + 8];
      if (!free(box[0], box[1], box[2], box[3])) return;
      take(box);
      ctx.globalAlpha = 1;
      ctx.fillStyle = strong ? "rgba(255,255,255,.95)" : "rgba(255,255,255,.8)";
      ctx.fillRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
      ctx.fillStyle = r.negated ? "#b3261e" : (strong ? "#1d2329" : "#5b6670");
      ctx.fillText(text, m[0], m[1]);
    }
  }
  function shortLabel(text) {
    var line = String(text).replace(/\s+/g, " ").trim();
    return line.length > 32 ? line.slice(0, 31) + "\u2026" : line;
  }

  // ------------------------------------------------------- hit testing
  function entityAt(x, y) {
    var best = -1, bestDistance = Infinity;
    for (var i = 0; i < N; i++) {
      if (!shownEntity[i]) continue;
      var p = toScreen(i), dx = p[0] - x, dy = p[1] - y, d = dx * dx + dy * dy, r = radius(i) + 4;
      if (d <= r * r && d < bestDistance) { best = i; bestDistance = d; }
    }
    return best;
  }
  function relationAt(x, y) {
    var best = -1, bestDistance = 6 * 6;
    for (var ri = 0; ri < M; ri++) {
      if (!shownRelation[ri]) continue;
      var r = R[ri], a = toScreen(r.from), b = toScreen(r.to);
      if (Math.min(a[0], b[0]) - 40 > x || Math.max(a[0], b[0]) + 40 < x ||
        Math.min(a[1], b[1]) - 40 > y || Math.max(a[1], b[1]) + 40 < y) continue;
      var c = controlPoint(ri, a, b) || [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      var px = a[0], py = a[1];
      for (var s = 1; s <= 12; s++) {
        var t = s / 12, u = 1 - t;
        var qx = u * u * a[0] + 2 * u * t * c[0] + t * t * b[0];
        var qy = u * u * a[1] + 2 * u * t * c[1] + t * t * b[1];
        var d = segmentDistance(x, y, px, py, qx, qy);
        if (d < bestDistance) { bestDistance = d; best = ri; }
        px = qx; py = qy;
      }
    }
    return best;
  }
  function segmentDistance(x, y, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, l = dx * dx + dy * dy;
    var t = l ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l)) : 0;
    var ex = ax + t * dx - x, ey = ay + t * dy - y;
    return ex * ex + ey * ey;
  }

  // ------------------------------------------------------------ panning
  var drag = null;
  canvas.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", function (event) {
    var box = canvas.getBoundingClientRect();
    if (drag) {
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) {
        canvas.classList.add("dragging");
        view.x = drag.vx + dx; view.y = drag.vy + dy; requestDraw();
      }
      return;
    }
    var h = entityAt(event.clientX - box.left, event.clientY - box.top);
    canvas.classList.toggle("pointing", h >= 0);
    if (h !== hovered) { hovered = h; requestDraw(); }
  });
  canvas.addEventListener("pointerup", function (event) {
    var wasDrag = drag && drag.moved;
    drag = null; canvas.classList.remove("dragging");
    if (wasDrag) return;
    var box = canvas.getBoundingClientRect(), x = event.clientX - box.left, y = event.clientY - box.top;
    var e = entityAt(x, y);
    if (e >= 0) { selectEntity(e, false); return; }
    var r = relationAt(x, y);
    if (r >= 0) { selectRelation(r); return; }
    clearSelection();
  });
  canvas.addEventListener("pointerleave", function () { if (hovered >= 0) { hovered = -1; requestDraw(); } });
  canvas.addEventListener("wheel", function (event) {
    event.preventDefault();
    var box = canvas.getBoundingClientRect();
    zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });
  function zoomBy(factor, cx, cy) {
    if (cx === undefined) { cx = view.width / 2; cy = view.height / 2; }
    var s = Math.max(0.02, Math.min(8, view.scale * factor));
    view.x = cx - (cx - view.x) * s / view.scale;
    view.y = cy - (cy - view.y) * s / view.scale;
    view.scale = s; requestDraw();
  }
  // Shows an entity with its drawn neighbours.
  function centreOn(i) {
    var around = new Set([i]);
    incident[i].forEach(function (ri) {
      if (shownRelation[ri]) { around.add(R[ri].from); around.add(R[ri].to); }
    });
    fit(around);
  }
  $("kg-zoom-in").addEventListener("click", function () { zoomBy(1.4); });
  $("kg-zoom-out").addEventListener("click", function () { zoomBy(1 / 1.4); });
  $("kg-zoom-fit").addEventListener("click", function () { fit(); requestDraw(); });
  canvas.addEventListener("keydown", function (event) {
    var step = 60;
    var moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[event.key]) { view.x += moves[event.key][0]; view.y += moves[event.key][1]; requestDraw(); event.preventDefault(); }
  });

  // ---------------------------------------------------------- selection
  function selectEntity(i, centre) {
    state.entity = i; state.relation = -1;
    if (centre && shownEntity[i]) centreOn(i);
    changed(false);
  }
  function selectRelation(ri, centre) {
    state.relation = ri; state.entity = -1;
    if (centre && shownRelation[ri]) fit(new Set([R[ri].from, R[ri].to]));
    changed(false);
  }
  function clearSelection() { state.entity = -1; state.relation = -1; changed(false); }
  function setFocus(i, depth) {
    state.focus = i;
    if (depth) state.depth = depth;
    changed(true, true);
  }

  // One place that brings the page in line with the state.
  function changed(filtersChanged, refit) {
    if (filtersChanged) {
      applyFilters();
      renderFilterCounts();
    }
    if (refit) fit();
    writeHash();
    renderPanel();
    renderFocusBar();
    renderCounts();
    draw();
    var root = document.documentElement;
    root.setAttribute("data-kg-nodes", String(shownEntityCount));
    root.setAttribute("data-kg-edges", String(shownRelationCount));
  }

  // -------------------------------------------------------------- panel
  function entityButton(i) {
    return el("button", { type: "button", class: "linkish entity-link", "data-entity": E[i].id,
      onclick: function () { selectEntity(i, true); } }, shortLabel(E[i].label));
  }
  function modalityBadge(r) {
    var m = G.modalities[r.modality];
    return el("span", { class: "badge modality-" + m.name, title: m.definition }, m.name);
  }
  function renderPanel() {
    panel.textContent = "";
    if (state.relation >= 0) renderRelation(state.relation);
    else if (state.entity >= 0) renderEntity(state.entity);
    else renderIntro();
  }
  function renderIntro() {
    panel.appendChild(el("h2", { text: "Read the evidence" }));
    panel.appendChild(el("p", { class: "intro" },
      "Click an entity or a relation to see what the sources say, each quote in its paragraph. ",
      "Search with ", el("kbd", { text: "/" }), ", clear with ", el("kbd", { text: "Esc" }),
      ", zoom with ", el("kbd", { text: "+" }), " and ", el("kbd", { text: "-" }),
      ". The address keeps what you see, so a view can be shared as a link."));
    panel.appendChild(el("h3", { text: G.sources.length === 1 ? "Source" : "Sources" }));
    var list = el("ul", { class: "sources-list" });
    G.sources.forEach(function (s) {
      list.appendChild(el("li", null, el("span", { class: "title", text: s.title }),
        s.author ? " \u2014 " + s.author : "", s.date ? ", " + s.date : "",
        s.publisher ? " (" + s.publisher + ")" : ""));
    });
    panel.appendChild(list);
    panel.appendChild(el("p", { class: "intro", text: N + " entities and " + M + " relations, built by " + G.generator + "." }));
  }
  function renderEntity(i) {
    var e = E[i], kind = G.kinds[e.kind];
    panel.appendChild(el("div", { class: "kicker" }, el("span", { class: "swatch", style: "background:" + kind.color }), kind.name.replace(/_/g, " ")));
    panel.appendChild(el("h2", { id: "kg-panel-title", text: e.label }));
    if (e.description) panel.appendChild(el("p", { text: e.description }));
    if (e.aliases && e.aliases.length) {
      var aliases = el("ul", { class: "aliases", "aria-label": "Also called" });
      e.aliases.forEach(function (a) { aliases.appendChild(el("li", { text: a })); });
      panel.appendChild(el("h3", { text: "Also called" }));
      panel.appendChild(aliases);
    }
    var actions = el("div", { class: "actions" });
    actions.appendChild(el("button", { type: "button", id: "kg-focus-here", onclick: function () { setFocus(i, state.focus === i ? state.depth : 1); } },
      state.focus === i ? "Focused" : "Focus on this entity"));
    if (e.wikidata && /^Q[1-9][0-9]*$/.test(e.wikidata)) {
      actions.appendChild(el("a", { href: "https://www.wikidata.org/wiki/" + e.wikidata, target: "_blank", rel: "noopener noreferrer" }, "Wikidata " + e.wikidata + " \u2197"));
    }
    panel.appendChild(actions);
    var groups = new Map();
    incident[i].forEach(function (ri) {
      var list = groups.get(R[ri].type);
      if (list) list.push(ri); else groups.set(R[ri].type, [ri]);
    });
    panel.appendChild(el("h3", { text: "Relations (" + incident[i].length + ")" }));
    Array.from(groups.keys()).sort(function (a, b) { return collate(G.types[a].label, G.types[b].label); }).forEach(function (t) {
      var type = G.types[t], box = el("div", { class: "group" });
      box.appendChild(el("div", { class: "group-title", title: type.definition },
        el("span", { class: "stroke", style: "border-top-color:" + type.color }), type.label));
      var list = el("ul");
      groups.get(t).forEach(function (ri) {
        var r = R[ri], out = r.from === i, other = out ? r.to : r.from;
        var hidden = !shownRelation[ri];
        list.appendChild(el("li", null, el("button", { type: "button", class: "relation-link", "data-relation": r.id,
          title: hidden ? "hidden by the current filters" : null, onclick: function () { selectRelation(ri, true); } },
          el("span", { class: "dir", text: r.from === r.to ? "\u21ba" : out ? "\u2192" : "\u2190" }),
          el("span", { class: "who", text: shortLabel(E[other].label) + (hidden ? " (hidden)" : "") }),
          r.negated ? el("span", { class: "badge negated", text: "not" }) : null,
          modalityBadge(r))));
      });
      box.appendChild(list);
      panel.appendChild(box);
    });
  }
  function renderRelation(ri) {
    var r = R[ri], type = G.types[r.type];
    panel.appendChild(el("div", { class: "kicker" }, el("span", { class: "stroke", style: "border-top-color:" + edgeColor(r) }), "relation"));
    panel.appendChild(el("p", { class: "statement", id: "kg-panel-title" }, entityButton(r.from), " ",
      el("span", { class: "type" + (r.negated ? " negated" : ""), title: type.definition, text: (r.negated ? "does not " : "") + type.label + (r.negated ? "" : "") }),
      " ", entityButton(r.to)));
    var facts = el("dl", { class: "facts" });
    function fact(name, value) { facts.appendChild(el("dt", { text: name })); facts.appendChild(el("dd", null, value)); }
    fact("Type", el("span", null, type.label, type.definition ? el("span", { class: "intro", text: " \u2014 " + type.definition }) : null));
    fact("Modality", el("span", null, modalityBadge(r), " " + G.modalities[r.modality].definition));
    if (r.negated) fact("Negated", el("span", { class: "badge negated", text: "the source says this does not hold" }));
    var by = r.attributed_to || [];
    fact("Voice", by.length ? el("span", null, "claimed by ", joinNodes(by.map(entityButton))) : el("span", { text: "the author's own" }));
    if (r.date) fact("Date", el("span", { text: r.date }));
    if (r.note) fact("Note", el("span", { text: r.note }));
    fact("Id", el("code", { text: r.id }));
    panel.appendChild(facts);
    panel.appendChild(el("h3", { text: r.evidence.length === 1 ? "Evidence" : "Evidence (" + r.evidence.length + " quotes)" }));
    r.evidence.forEach(function (ev) { panel.appendChild(evidenceBlock(ev)); });
  }
  function joinNodes(nodes) {
    var span = el("span");
    nodes.forEach(function (n, k) { if (k) span.appendChild(document.createTextNode(k === nodes.length - 1 ? " and " : ", ")); span.appendChild(n); });
    return span;
  }
  // The paragraph around a quote: from the blank line before it to the
  // blank line after it.
  function paragraphAround(text, start, end) {
    var before = text.slice(0, start), after = text.slice(end);
    var breakBefore = before.search(/\n[ \t\r]*\n(?![\s\S]*\n[ \t\r]*\n)/);
    var from = 0;
    if (breakBefore >= 0) { var m = /\n[ \t\r]*\n/.exec(before.slice(breakBefore)); from = breakBefore + m[0].length; }
    var next = after.search(/\r?\n[ \t\r]*\n/);
    var to = next >= 0 ? end + next : text.length;
    return [from, to];
  }
  function evidenceBlock(ev) {
    var source = G.sources[ev[0]], text = source.text, start = ev[1], end = ev[2];
    var span = paragraphAround(text, start, end);
    var quote = el("blockquote", null,
      el("span", { class: "context", text: text.slice(span[0], start).replace(/^\s+/, "") }),
      el("mark", { text: text.slice(start, end) }),
      el("span", { class: "context", text: text.slice(end, span[1]).replace(/\s+$/, "") }));
    var cite = el("cite", null, el("span", { class: "title", text: source.title }),
      source.author ? " \u2014 " + source.author : "", source.date ? ", " + source.date : "",
      ", line " + ev[3]);
    if (source.url && /^https?:\/\//i.test(source.url)) {
      cite.appendChild(document.createTextNode(" \u00b7 "));
      cite.appendChild(el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer", text: "original" }));
    }
    if (source.copy_url && /^https?:\/\//i.test(source.copy_url)) {
      cite.appendChild(document.createTextNode(" \u00b7 "));
      cite.appendChild(el("a", { href: source.copy_url, target: "_blank", rel: "noopener noreferrer", text: "copy" + (source.copy_date ? " of " + source.copy_date : "") }));
    } else if (source.copy_date) {
      cite.appendChild(document.createTextNode(" \u00b7 copy of " + source.copy_date));
    }
    return el("figure", { class: "evidence", style: "margin:12px 0 18px" }, quote, cite);
  }

  // ------------------------------------------------------------ focus bar
  function renderFocusBar() {
    var bar = $("kg-focusbar");
    bar.textContent = "";
    if (state.focus < 0) { bar.hidden = true; return; }
    bar.hidden = false;
    var depth = el("span", { class: "depth", role: "group", "aria-label": "Depth" });
    [1, 2, 3].forEach(function (d) {
      depth.appendChild(el("button", { type: "button", "aria-pressed": String(state.depth === d), title: "Entities up to " + d + " relation" + (d > 1 ? "s" : "") + " away",
        onclick: function () { setFocus(state.focus, d); } }, String(d)));
    });
    bar.appendChild(el("span", null, "Focus: ", el("strong", { text: shortLabel(E[state.focus].label) })));
    bar.appendChild(el("span", { class: "intro", text: "depth" }));
    bar.appendChild(depth);
    bar.appendChild(el("button", { type: "button", class: "linkish", id: "kg-unfocus", onclick: function () { setFocus(-1); } }, "show all"));
  }
  function renderCounts() {
    $("kg-counts").textContent = shownEntityCount + " of " + N + " entities \u00b7 " + shownRelationCount + " of " + M + " relations";
  }

  // ------------------------------------------------------------ filters
  var filterInputs = [];
  function svgShape(shape, color) {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("viewBox", "-7 -7 14 14");
    var node;
    var points = { diamond: "0,-6 6,0 0,6 -6,0", triangle: "0,-6 6,4.5 -6,4.5", hexagon: "5.5,0 2.75,4.8 -2.75,4.8 -5.5,0 -2.75,-4.8 2.75,-4.8" };
    if (shape === "square") { node = document.createElementNS(ns, "rect"); node.setAttribute("x", "-5"); node.setAttribute("y", "-5"); node.setAttribute("width", "10"); node.setAttribute("height", "10"); }
    else if (points[shape]) { node = document.createElementNS(ns, "polygon"); node.setAttribute("points", points[shape]); }
    else { node = document.createElementNS(ns, "circle"); node.setAttribute("r", "5.5"); }
    node.setAttribute("fill", color); node.setAttribute("stroke", "rgba(0,0,0,.55)");
    svg.appendChild(node);
    return svg;
  }
  function checkGroup(title, id, items, set, open) {
    var box = el("details", { id: id, open: open });
    var note = el("span", { class: "note" });
    box.appendChild(el("summary", null, title, note));
    var quick = el("div", { class: "quick" },
      el("button", { type: "button", onclick: function () { set.clear(); syncInputs(); changed(true); } }, "all"),
      el("button", { type: "button", onclick: function () { items.forEach(function (it) { set.add(it.index); }); syncInputs(); changed(true); } }, "none"));
    box.appendChild(quick);
    items.forEach(function (item) {
      var input = el("input", { type: "checkbox", value: item.name, "data-filter": id });
      input.addEventListener("change", function () {
        if (input.checked) set.delete(item.index); else set.add(item.index);
        changed(true);
      });
      var count = el("span", { class: "count" });
      var label = el("label", { class: "option", title: item.title || null }, input, item.marker, el("span", { class: "name", text: item.label }), count);
      filterInputs.push({ input: input, sync: function () { input.checked = !set.has(item.index); }, count: count, label: label, counter: item.counter });
      box.appendChild(label);
    });
    filterInputs.push({ sync: function () { note.textContent = set.size ? (items.length - set.size) + " of " + items.length : ""; } });
    return box;
  }
  function syncInputs() { filterInputs.forEach(function (f) { f.sync(); }); }
  // How many relations of each value are drawn, beside each checkbox.
  function renderFilterCounts() {
    var byType = new Int32Array(G.types.length), byModality = new Int32Array(G.modalities.length),
      bySource = new Int32Array(G.sources.length), byKind = new Int32Array(G.kinds.length);
    for (var ri = 0; ri < M; ri++) {
      if (!shownRelation[ri]) continue;
      var r = R[ri];
      byType[r.type]++; byModality[r.modality]++;
      // A relation counts once for each source it quotes.
      for (var k = 0; k < r.evidence.length; k++) {
        var source = r.evidence[k][0], again = false;
        for (var j = 0; j < k; j++) if (r.evidence[j][0] === source) { again = true; break; }
        if (!again) bySource[source]++;
      }
    }
    for (var i = 0; i < N; i++) if (shownEntity[i]) byKind[E[i].kind]++;
    var tables = { type: byType, modality: byModality, source: bySource, kind: byKind };
    filterInputs.forEach(function (f) {
      if (!f.counter) return;
      var n = tables[f.counter[0]][f.counter[1]];
      f.count.textContent = String(n);
      f.label.classList.toggle("empty", n === 0);
    });
    syncInputs();
  }
  function buildFilters() {
    var root = $("kg-filters");
    var kindTotals = new Int32Array(G.kinds.length), typeTotals = new Int32Array(G.types.length);
    E.forEach(function (e) { kindTotals[e.kind]++; });
    R.forEach(function (r) { typeTotals[r.type]++; });
    var h = state.hide;
    root.appendChild(checkGroup("Kinds", "kg-filter-kinds", G.kinds.map(function (k, i) {
      return { index: i, name: k.name, label: k.name.replace(/_/g, " "), title: k.description, marker: svgShape(k.shape, k.color), counter: ["kind", i] };
    }).filter(function (item) { return kindTotals[item.index] > 0; }), h.kinds, true));
    root.appendChild(checkGroup("Modality", "kg-filter-modalities", G.modalities.map(function (m, i) {
      var style = MODALITY_STYLE[m.name] || {};
      return { index: i, name: m.name, label: m.name, title: m.definition, marker: el("span", { class: "stroke " + (style.css || "") }), counter: ["modality", i] };
    }), h.modalities, true));
    root.appendChild(checkGroup("Relation types", "kg-filter-types", G.types.map(function (t, i) {
      return { index: i, name: t.name, label: t.label, title: t.definition, marker: el("span", { class: "stroke", style: "border-top-color:" + t.color }), counter: ["type", i] };
    }).filter(function (item) { return typeTotals[item.index] > 0; }), h.types, G.types.length <= 12));
    root.appendChild(checkGroup("Sources", "kg-filter-sources", G.sources.map(function (s, i) {
      return { index: i, name: s.id, label: s.title, title: s.author + (s.date ? ", " + s.date : ""), marker: null, counter: ["source", i] };
    }), h.sources, G.sources.length > 1));

    var voice = el("select", { id: "kg-filter-by", "aria-label": "Whose voice" });
    voice.appendChild(el("option", { value: "", text: "everyone" }));
    voice.appendChild(el("option", { value: "author", text: "the author's own voice" }));
    attributors.forEach(function (a) { voice.appendChild(el("option", { value: String(a), text: "claimed by " + shortLabel(E[a].label) })); });
    voice.addEventListener("change", function () { state.hide.by = voice.value; changed(true); });
    var negated = el("input", { type: "checkbox", id: "kg-filter-negated" });
    negated.addEventListener("change", function () { state.hide.negated = negated.checked; changed(true); });
    var claims = el("details", { id: "kg-filter-claims", open: true }, el("summary", null, "Attribution"),
      el("div", { class: "row" }, voice),
      el("label", { class: "option" }, negated, el("span", { class: "stroke", style: "border-top-style:dotted;border-top-color:#b3261e" }), el("span", { class: "name", text: "negated relations (\u2715)" })));
    root.appendChild(claims);

    var since = el("input", { type: "text", id: "kg-filter-since", placeholder: "from: YYYY[-MM[-DD]]", "aria-label": "From date", inputmode: "numeric" });
    var until = el("input", { type: "text", id: "kg-filter-until", placeholder: "to: YYYY[-MM[-DD]]", "aria-label": "To date", inputmode: "numeric" });
    var undated = el("input", { type: "checkbox", id: "kg-filter-undated" });
    function dateInput(input, key) {
      input.addEventListener("input", function () {
        var value = input.value.trim(), ok = value === "" || dateBounds(value) !== null;
        input.classList.toggle("invalid", !ok);
        if (ok && state.hide[key] !== value) { state.hide[key] = value; changed(true); }
      });
    }
    dateInput(since, "since"); dateInput(until, "until");
    undated.addEventListener("change", function () { state.hide.undated = undated.checked; changed(true); });
    root.appendChild(el("details", { id: "kg-filter-dates", open: true }, el("summary", null, "Date"),
      el("div", { class: "row" }, since), el("div", { class: "row" }, until),
      el("label", { class: "option" }, undated, el("span", { class: "name", text: "undated relations" }))));
    filterInputs.push({ sync: function () {
      voice.value = state.hide.by; negated.checked = state.hide.negated; undated.checked = state.hide.undated;
      if (document.activeElement !== since) since.value = state.hide.since;
      if (document.activeElement !== until) until.value = state.hide.until;
    } });
    root.appendChild(el("button", { type: "button", class: "reset", id: "kg-reset", onclick: function () {
      state.hide = emptyFilters(); state.focus = -1;
      rebuildFilters(); changed(true, true);
    } }, "Show everything"));
  }
  function rebuildFilters() { $("kg-filters").textContent = ""; filterInputs = []; buildFilters(); }

  // ------------------------------------------------------------- legend
  function buildLegend() {
    var body = $("kg-legend-body");
    var kindsUsed = new Set(E.map(function (e) { return e.kind; }));
    var kinds = el("ul");
    G.kinds.forEach(function (k, i) {
      if (!kindsUsed.has(i)) return;
      kinds.appendChild(el("li", { title: k.description }, svgShape(k.shape, k.color), el("span", { text: k.name.replace(/_/g, " ") })));
    });
    body.appendChild(el("h3", { text: "Entities (shape and colour: kind; size: relations)" }));
    body.appendChild(kinds);
    var styles = el("ul");
    G.modalities.forEach(function (m) {
      styles.appendChild(el("li", { title: m.definition }, el("span", { class: "stroke " + MODALITY_STYLE[m.name].css }), el("span", { text: m.name + (m.name === "historical" ? " (grey)" : "") })));
    });
    styles.appendChild(el("li", { title: "the source says the relation does not hold" }, el("span", { class: "stroke dotted", style: "border-top-color:#b3261e" }), el("span", { text: "negated (\u2715 on the line)" })));
    body.appendChild(el("h3", { text: "Line style: modality" }));
    body.appendChild(styles);
    // Relation types that share a colour are listed together.
    var byColor = new Map(), used = new Set(R.map(function (r) { return r.type; }));
    G.types.forEach(function (t, i) {
      if (!used.has(i)) return;
      var list = byColor.get(t.color);
      if (list) list.push(t.label); else byColor.set(t.color, [t.label]);
    });
    var colors = el("ul");
    byColor.forEach(function (labels, color) {
      var text = labels.length > 3 ? labels.slice(0, 3).join(", ") + " \u2026 (" + labels.length + ")" : labels.join(", ");
      colors.appendChild(el("li", { title: labels.join(", ") }, el("span", { class: "stroke", style: "border-top-width:3px;border-top-color:" + color }), el("span", { text: text })));
    });
    body.appendChild(el("h3", { text: "Line colour: relation type" }));
    body.appendChild(colors);
  }

  // ------------------------------------------------------------- search
  var searchIndex = [];
  E.forEach(function (e, i) {
    searchIndex.push({ entity: i, text: fold(e.label), via: null });
    (e.aliases || []).forEach(function (a) { searchIndex.push({ entity: i, text: fold(a), via: a }); });
    searchIndex.push({ entity: i, text: fold(e.id), via: e.id });
  });
  var input = $("kg-search"), results = $("kg-search-results"), matches = [], active = -1;
  function search(query) {
    var q = fold(query.trim());
    if (!q) return [];
    var best = new Map();
    searchIndex.forEach(function (item) {
      var at = item.text.indexOf(q);
      if (at < 0) return;
      var rank = (item.text === q ? 0 : at === 0 ? 1 : 2) + (item.via ? 0.5 : 0);
      var old = best.get(item.entity);
      if (!old || rank < old.rank) best.set(item.entity, { entity: item.entity, rank: rank, via: item.via });
    });
    return Array.from(best.values()).sort(function (a, b) {
      return a.rank - b.rank || degree[b.entity] - degree[a.entity] || collate(E[a.entity].label, E[b.entity].label);
    }).slice(0, 12);
  }
  function showResults() {
    results.textContent = "";
    matches = search(input.value);
    active = matches.length ? 0 : -1;
    if (!input.value.trim()) { results.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
    if (!matches.length) results.appendChild(el("li", { class: "none", text: "no entity or alias matches" }));
    matches.forEach(function (m, k) {
      var kind = G.kinds[E[m.entity].kind];
      results.appendChild(el("li", { role: "option", id: "kg-result-" + k, "aria-selected": String(k === active),
        onmousedown: function (event) { event.preventDefault(); choose(k); } },
        svgShape(kind.shape, kind.color), el("span", { text: shortLabel(E[m.entity].label) }),
        m.via && m.via !== E[m.entity].id ? el("span", { class: "via", text: "also called " + m.via }) : null));
    });
    results.hidden = false; input.setAttribute("aria-expanded", "true");
    input.setAttribute("aria-activedescendant", active >= 0 ? "kg-result-" + active : "");
  }
  function highlightResult(k) {
    active = k;
    Array.prototype.forEach.call(results.children, function (li, j) { li.setAttribute("aria-selected", String(j === k)); });
    input.setAttribute("aria-activedescendant", "kg-result-" + k);
  }
  function choose(k) {
    var m = matches[k];
    if (!m) return;
    results.hidden = true; input.setAttribute("aria-expanded", "false");
    input.value = E[m.entity].label;
    selectEntity(m.entity, true);
  }
  input.addEventListener("input", showResults);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && matches.length) { highlightResult((active + 1) % matches.length); event.preventDefault(); }
    else if (event.key === "ArrowUp" && matches.length) { highlightResult((active - 1 + matches.length) % matches.length); event.preventDefault(); }
    else if (event.key === "Enter") { if (!results.hidden || matches.length) choose(active < 0 ? 0 : active); event.preventDefault(); }
    else if (event.key === "Escape") { results.hidden = true; input.setAttribute("aria-expanded", "false"); input.blur(); canvas.focus(); }
  });
  input.addEventListener("blur", function () { results.hidden = true; input.setAttribute("aria-expanded", "false"); });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement && document.activeElement.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") { input.focus(); input.select(); event.preventDefault(); }
    else if (event.key === "Escape") { if (state.focus >= 0 && state.entity < 0 && state.relation < 0) setFocus(-1); else clearSelection(); }
    else if (event.key === "+" || event.key === "=") zoomBy(1.4);
    else if (event.key === "-") zoomBy(1 / 1.4);
    else if (event.key === "0") { fit(); requestDraw(); }
    else if (event.key === "f" && state.entity >= 0) setFocus(state.entity, state.depth);
    else if (/^[123]$/.test(event.key) && state.focus >= 0) setFocus(state.focus, +event.key);
  });

  // --------------------------------------------------------------- start
  $("kg-title").textContent = G.title;
  readHash();
  buildFilters();
  buildLegend();
  resize();
  applyFilters();
  renderFilterCounts();
  frameSelection();
  changed(false);
  window.addEventListener("resize", function () { resize(); frameSelection(); draw(); });
  // An address pasted or edited by hand: show what it names.
  window.addEventListener("hashchange", function () {
    readHash(); rebuildFilters(); applyFilters(); renderFilterCounts(); frameSelection(); changed(false);
  });
  function frameSelection() {
    if (state.focus < 0 && state.entity >= 0 && shownEntity[state.entity]) centreOn(state.entity);
    else if (state.focus < 0 && state.relation >= 0 && shownRelation[state.relation]) fit(new Set([R[state.relation].from, R[state.relation].to]));
    else fit();
  }
  // For scripts and tests: where an entity or relation is drawn, in page
  // coordinates.
  window.kgViewer = {
    entityPoint: function (id) {
      var i = idToEntity[id], box = canvas.getBoundingClientRect();
      if (i === undefined || !shownEntity[i]) return null;
      var p = toScreen(i); return { x: box.left + p[0], y: box.top + p[1] };
    },
    relationPoint: function (id) {
      var ri = idToRelation[id], box = canvas.getBoundingClientRect();
      if (ri === undefined || !shownRelation[ri]) return null;
      var m = midpoint(ri, toScreen(R[ri].from), toScreen(R[ri].to));
      return { x: box.left + m[0], y: box.top + m[1] };
    },
    // What a click at page coordinates would select.
    hitTest: function (x, y) {
      var box = canvas.getBoundingClientRect(), e = entityAt(x - box.left, y - box.top);
      if (e >= 0) return { entity: E[e].id };
      var r = relationAt(x - box.left, y - box.top);
      return r >= 0 ? { relation: R[r].id } : null;
    },
    centreOn: function (id) { var i = idToEntity[id]; if (i !== undefined) { centreOn(i); draw(); } }
  };
  // The first frame with the drawing is painted before the second frame's
  // callbacks run: only then is the page ready.
  requestAnimationFrame(function () {
    requestAnimationFrame(function () { document.documentElement.setAttribute("data-kg-ready", ""); });
  });
})();
