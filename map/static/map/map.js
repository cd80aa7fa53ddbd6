// The map page: draws what GET /api/v1/sightings returns for the visible box.
//
// The API decides what comes back: below zoom 12 clusters (counts on a grid),
// from zoom 12 on single sightings, a page at a time. This file asks for the box
// the map shows, with the filters, and draws the answer. The view and the filters
// are kept in the address's #hash, so a view can be shared or reloaded.
//
// Labels and everything else in the answers are data that users' photos produced:
// they go into the page with textContent and DOM nodes, never as HTML.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const form = document.getElementById("map-filters");
  const statusLine = document.getElementById("map-status");
  const labelList = document.getElementById("known-labels");
  const FILTERS = ["label", "from", "to"];
  const PAGE_SIZE = 500; // the API's default and a sensible page
  const MAX_PAGES = 10; // at most 5,000 single sightings on the map; zoom in for the rest
  const WORLD = { lat: 30, lon: 0, zoom: 2 };

  const map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 19 });
  // Tiles that cannot be loaded (offline, a server that is down) leave the plain
  // background of map.css showing; nothing below waits for them.
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  const markers = L.layerGroup().addTo(map);
  // What is drawn now, by what it was drawn from: a reload that brings back the same
  // sighting or cluster keeps its marker, so an open popup stays open and nothing flickers.
  let drawn = new Map();
  let loading = null; // the AbortController of the newest load; older ones are aborted
  const seenLabels = new Set();

  // --- Loading -------------------------------------------------------------

  // A zoom ends with a moveend too, so this one event covers panning and zooming.
  map.on("moveend", function () {
    writeHash();
    load();
  });

  async function load() {
    if (loading) loading.abort(); // its answer would be for a view that is gone
    const controller = new AbortController();
    loading = controller;
    const zoom = Math.round(map.getZoom());
    const filters = currentFilters();
    setStatus("loading", "Loading sightings…");
    try {
      const answers = await Promise.all(
        visibleBoxes().map(function (box) { return fetchBox(box, zoom, filters, controller.signal); })
      );
      if (controller !== loading) return;
      draw(answers, filters);
    } catch (error) {
      if (controller !== loading || error.name === "AbortError") return;
      replaceMarkers(new Map());
      setStatus("error", "Could not load sightings: " + error.message);
    }
  }

  // The API takes west,south,east,north within ±180/±90 and west <= east. A
  // Leaflet view can reach past ±180 (the world repeats sideways), so the bounds
  // are wrapped, and a view across the antimeridian becomes one box each side.
  function visibleBoxes() {
    const bounds = map.getBounds();
    const south = clamp(roundDown(bounds.getSouth()), -90, 90);
    const north = clamp(roundUp(bounds.getNorth()), -90, 90);
    if (bounds.getEast() - bounds.getWest() >= 360) return [[-180, south, 180, north]];
    const west = L.Util.wrapNum(roundDown(bounds.getWest()), [-180, 180], true);
    const east = L.Util.wrapNum(roundUp(bounds.getEast()), [-180, 180], true);
    if (west <= east) return [[west, south, east, north]];
    return [[west, south, 180, north], [-180, south, east, north]];
  }

  // One box: every page of it (up to MAX_PAGES), following next_cursor.
  async function fetchBox(box, zoom, filters, signal) {
    const result = { features: [], cellDegrees: null, more: false };
    let cursor = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const params = new URLSearchParams({ bbox: box.join(","), zoom: String(zoom), limit: String(PAGE_SIZE) });
      FILTERS.forEach(function (name) { if (filters[name]) params.set(name, filters[name]); });
      if (cursor) params.set("cursor", cursor);
      const response = await fetch(config.sightingsUrl + "?" + params, {
        headers: { Accept: "application/json" },
        credentials: "same-origin", // the session cookie: your own sightings come back exact
        signal: signal,
      });
      const body = await response.json().catch(function () { return null; });
      if (!response.ok || body === null) {
        // A refusal (400) says in `detail` what was wrong with the request.
        throw new Error(body && body.detail ? body.detail : "the server answered " + response.status);
      }
      result.features = result.features.concat(body.features);
      result.cellDegrees = body.cell_degrees;
      cursor = body.next_cursor;
      if (!cursor) return result;
    }
    result.more = true; // there were more pages than we fetch
    return result;
  }

  // --- Drawing -------------------------------------------------------------

  function draw(answers, filters) {
    const kept = new Map();
    const centre = map.getCenter().lng;
    let sightings = 0, clusters = 0, mine = 0, more = false;
    answers.forEach(function (answer) {
      more = more || answer.more;
      answer.features.forEach(function (feature) {
        const properties = feature.properties;
        const lon = feature.geometry.coordinates[0];
        // The copy of the world the map is looking at: -179° is drawn at 181° when
        // the view is centred on 179°.
        const shift = 360 * Math.round((centre - lon) / 360);
        const at = L.latLng(feature.geometry.coordinates[1], lon + shift);
        // A cluster's popup asks for its newest sighting with the filters: they are part of it.
        const key = JSON.stringify([shift, properties.cluster ? filters : null, feature]);
        kept.set(key, drawn.get(key) || (properties.cluster
          ? clusterMarker(properties, at, lon, answer.cellDegrees, shift, filters)
          : sightingMarker(properties, at)));
        if (properties.cluster) {
          sightings += properties.count;
          mine += properties.mine_count;
          clusters += 1;
          Object.keys(properties.labels).forEach(rememberLabel);
        } else {
          sightings += 1;
          mine += properties.mine ? 1 : 0;
          rememberLabel(properties.label);
        }
      });
    });
    replaceMarkers(kept);
    setStatus("ready", summary(sightings, clusters, mine, more, filters));
  }

  function replaceMarkers(kept) {
    drawn.forEach(function (marker, key) { if (!kept.has(key)) markers.removeLayer(marker); });
    kept.forEach(function (marker) { if (!markers.hasLayer(marker)) markers.addLayer(marker); });
    drawn = kept;
  }

  function sightingMarker(properties, at) {
    const size = properties.mine ? 20 : 16;
    const marker = L.marker(at, {
      icon: L.divIcon({
        className: "sighting-marker" + (properties.mine ? " mine" : ""),
        iconSize: [size, size],
      }),
      // The marker's accessible name and hover text (an attribute, not HTML).
      title: labelOf(properties) + ", " + dayOf(properties.observed_at) + (properties.mine ? ", yours" : ""),
      zIndexOffset: properties.mine ? 1000 : 0, // yours stay on top
      riseOnHover: true,
    });
    // Built when first opened, so thumbnails load only for the popups people open,
    // then kept: Leaflet calls this function again each time the popup updates.
    let content = null;
    marker.bindPopup(function () {
      content = content || popupContent(properties);
      return content;
    }, { maxWidth: 240, autoPanPaddingTopLeft: [50, 10] }); // clear of the zoom buttons
    return marker;
  }

  function popupContent(properties) {
    const box = element("div", "sighting-popup");
    if (properties.thumbnail_url) {
      const image = element("img");
      // A peer's photo comes from its own server: it need not learn this page's address.
      if (properties.origin) image.referrerPolicy = "no-referrer";
      image.src = properties.thumbnail_url;
      image.alt = "Photo of the sighting: " + labelOf(properties);
      // A fixed box (map.css), so the popup is placed once, at its final size,
      // before the photo arrives.
      image.width = 200;
      image.height = 150;
      box.append(image);
    }
    const what = element("p");
    what.append(element("strong", "", labelOf(properties)));
    if (properties.confidence !== null) {
      what.append(" (" + Math.round(properties.confidence * 100) + "% sure)");
    }
    // The other things found in the photo, each once (a photo may hold two squirrels).
    const others = properties.labels
      .map(function (found) { return found.label; })
      .filter(function (label, at, all) { return label !== properties.label && all.indexOf(label) === at; });
    if (others.length) what.append(element("br"), "Also: " + others.join(", "));
    const when = element("p");
    const time = element("time", "", dateTimeOf(properties.observed_at));
    time.dateTime = properties.observed_at;
    when.append("Seen ", time);
    box.append(what, when);
    // A sighting another deployment shared (gossip): say where it comes from.
    if (properties.origin) box.append(element("p", "muted", "From " + originOf(properties)));
    if (properties.mine) {
      const yours = element("p");
      const link = element("a", "", "Your photo");
      link.href = properties.page_url;
      yours.append(link, " · " + privacyOf(properties.geoprivacy));
      box.append(yours);
    } else if (properties.precision_m) {
      box.append(element("p", "muted", "Taken within " + distanceOf(properties.precision_m) + " of this point."));
    }
    return box;
  }

  function clusterMarker(properties, at, lon, cellDegrees, shift, filters) {
    const size = Math.round(28 + 10 * Math.log10(properties.count));
    const marker = L.marker(at, {
      icon: L.divIcon({
        className: "cluster-marker" + (properties.mine_count ? " mine" : ""),
        html: element("span", "", shortCount(properties.count)), // a node: no HTML parsing
        iconSize: [size, size],
      }),
      title: clusterTitle(properties),
    });
    // A cluster is the sightings of one grid cell (in the API's coordinates, -180..180).
    const west = Math.floor((lon + 180) / cellDegrees) * cellDegrees - 180;
    const south = Math.floor((at.lat + 90) / cellDegrees) * cellDegrees - 90;
    const cell = [west, south, west + cellDegrees, south + cellDegrees];
    let content = null;
    marker.bindPopup(function () {
      content = content || clusterPopup(properties, cell, shift, filters);
      return content;
    }, { maxWidth: 240, autoPanPaddingTopLeft: [50, 10] });
    return marker;
  }

  // What a cluster holds, and its newest sighting (photo, label, date), asked for
  // when the popup first opens: one small request per cluster someone looks at.
  function clusterPopup(properties, cell, shift, filters) {
    const box = element("div", "cluster-popup");
    box.append(element("p", "", clusterTitle(properties).replace(/\. Click.*$/, ".")));
    const newest = element("div", "newest-slot muted", "Looking for the newest…");
    const zoomIn = element("button", "", "Zoom in");
    zoomIn.type = "button";
    zoomIn.addEventListener("click", function () {
      const bounds = L.latLngBounds([cell[1], cell[0] + shift], [cell[3], cell[2] + shift]);
      const zoom = Math.max(map.getBoundsZoom(bounds), map.getZoom() + 1);
      map.setView(bounds.getCenter(), Math.min(zoom, map.getMaxZoom()));
    });
    box.append(newest, zoomIn);
    fetchNewest(cell, filters).then(function (feature) {
      if (!feature) { newest.className = ""; newest.textContent = ""; return; }
      newest.className = "newest-slot";
      newest.replaceChildren(element("p", "muted", "Newest here:"), popupContent(feature.properties));
    }).catch(function () { newest.className = ""; newest.textContent = ""; });
    return box;
  }

  async function fetchNewest(cell, filters) {
    // Zoom 12 asks for single sightings; the newest comes first.
    const clamped = [clamp(cell[0], -180, 180), clamp(cell[1], -90, 90), clamp(cell[2], -180, 180), clamp(cell[3], -90, 90)];
    const params = new URLSearchParams({ bbox: clamped.join(","), zoom: "12", limit: "1" });
    FILTERS.forEach(function (name) { if (filters[name]) params.set(name, filters[name]); });
    const response = await fetch(config.sightingsUrl + "?" + params, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return null;
    const body = await response.json();
    return body.features[0] || null;
  }

  function clusterTitle(properties) {
    const byLabel = Object.keys(properties.labels)
      .sort(function (a, b) { return properties.labels[b] - properties.labels[a]; })
      .map(function (label) { return (label || "nothing recognised") + " " + properties.labels[label]; });
    let title = plural(properties.count, "sighting") + ": " + byLabel.join(", ");
    if (properties.mine_count) title += "; " + properties.mine_count + " yours";
    return title + ". Click for the newest and to zoom in.";
  }

  function summary(sightings, clusters, mine, more, filters) {
    if (sightings === 0) {
      const filtered = FILTERS.some(function (name) { return filters[name]; });
      return "No sightings here" + (filtered ? " with these filters." : ".");
    }
    let text = plural(sightings, "sighting");
    if (clusters) text += " in " + plural(clusters, "cluster");
    if (mine) text += " (" + mine.toLocaleString("en-GB") + " yours)";
    if (clusters) text += ". Zoom in to see them one by one.";
    if (more) text = "The newest " + text + ": zoom in to see the rest.";
    return text;
  }

  // --- Filters and the address ---------------------------------------------

  function currentFilters() {
    return {
      label: form.elements.label.value.trim(),
      from: form.elements.from.value, // "" or YYYY-MM-DD, as the API takes it
      to: form.elements.to.value,
    };
  }

  function filtersChanged() {
    writeHash();
    load();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault(); // applied here, without reloading the page
    filtersChanged();
  });
  form.addEventListener("change", filtersChanged);
  // "reset" fires before the fields are cleared; read them once it is done.
  form.addEventListener("reset", function () { window.setTimeout(filtersChanged, 0); });

  // #zoom=14&lat=51.50700&lon=-0.16500&label=squirrel&from=2024-05-01&to=2024-05-31
  function writeHash() {
    const centre = map.wrapLatLng(map.getCenter());
    const params = new URLSearchParams({
      zoom: String(map.getZoom()),
      lat: centre.lat.toFixed(5),
      lon: centre.lng.toFixed(5),
    });
    const filters = currentFilters();
    FILTERS.forEach(function (name) { if (filters[name]) params.set(name, filters[name]); });
    // replaceState: no new history entry for every pan, and no hashchange event.
    window.history.replaceState(null, "", "#" + params);
  }

  function readHash() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    FILTERS.forEach(function (name) { form.elements[name].value = params.get(name) || ""; });
    const zoom = parseInt(params.get("zoom"), 10);
    const lat = parseFloat(params.get("lat"));
    const lon = parseFloat(params.get("lon"));
    const known = [zoom, lat, lon].every(Number.isFinite);
    // setView always ends in a moveend, which loads the sightings.
    map.setView(known ? [lat, lon] : [WORLD.lat, WORLD.lon], known ? zoom : WORLD.zoom);
  }

  // Someone edited the address, or followed a link to another view of this page.
  window.addEventListener("hashchange", readHash);

  // --- Small helpers -------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(state, text) {
    statusLine.dataset.state = state; // loading, ready or error: for styles and tests
    statusLine.textContent = text;
  }

  function rememberLabel(label) {
    if (!label || seenLabels.has(label)) return;
    seenLabels.add(label);
    const option = element("option");
    option.value = label;
    labelList.append(option);
  }

  function originOf(properties) {
    return properties.origin_host || properties.origin.slice(0, 8) + "…";
  }

  function labelOf(properties) {
    return properties.label || "nothing recognised";
  }

  // Days and times in UTC, the days the date filter counts in.
  function dayOf(iso) {
    return new Date(iso).toISOString().slice(0, 10);
  }

  function dateTimeOf(iso) {
    return new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function privacyOf(geoprivacy) {
    return {
      open: "everyone sees this exact place",
      obscured: "others see it within about 20 km",
      private: "only you see it",
    }[geoprivacy] || "";
  }

  function distanceOf(metres) {
    return metres < 1000 ? Math.round(metres) + " m" : Math.round(metres / 1000) + " km";
  }

  function plural(count, noun) {
    return count.toLocaleString("en-GB") + " " + noun + (count === 1 ? "" : "s");
  }

  function shortCount(count) {
    if (count < 1000) return String(count);
    return (count < 10000 ? (count / 1000).toFixed(1) : Math.round(count / 1000)) + "k";
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  // Five decimals (about a metre), rounded outwards so the box still holds the view.
  function roundDown(degrees) { return Math.floor(degrees * 1e5) / 1e5; }
  function roundUp(degrees) { return Math.ceil(degrees * 1e5) / 1e5; }

  readHash();
})();
