/* Cabas maps: draws every element marked [data-map] with Leaflet.
 *
 * Everything comes from data- attributes (the CSP forbids inline scripts):
 *   data-geojson-url   GeoJSON FeatureCollection to fetch (the /map/data.geojson endpoint), or
 *   data-geojson       the FeatureCollection itself (small maps: one enterprise, a network);
 *   data-tile-url      tile URL template; empty: no background tiles (tests, offline demos);
 *   data-tile-attribution  attribution HTML of the tiles;
 *   data-icon-url      static URL of Leaflet's marker-icon.png (its folder is the image path);
 *   data-status        id of the element where the result is announced (aria-live);
 *   data-msg-count / data-msg-empty / data-msg-error   translated messages ({n} = count).
 * Without JavaScript the pages show the same enterprises as a list.
 */
(function () {
  "use strict";

  var FRANCE = [46.6, 2.4];
  // Above this many points, light circles drawn on a canvas keep cheap phones responsive.
  var MAX_ICON_MARKERS = 400;

  function announce(el, text) {
    var status = el.dataset.status && document.getElementById(el.dataset.status);
    if (status) {
      status.textContent = text;
    }
  }

  function popupContent(props) {
    var box = document.createElement("div");
    var name = document.createElement("p");
    name.className = "map-popup-name";
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.name;
    name.appendChild(link);
    box.appendChild(name);
    var meta = document.createElement("p");
    meta.textContent = props.kind_label + (props.city ? " · " + props.city : "");
    box.appendChild(meta);
    return box;
  }

  function addFeatures(el, map, collection) {
    var features = (collection && collection.features) || [];
    var many = features.length > MAX_ICON_MARKERS;
    var renderer = many ? L.canvas({ padding: 0.5 }) : null;
    var layer = L.featureGroup();
    features.forEach(function (feature) {
      var coords = feature.geometry && feature.geometry.coordinates;
      if (!coords || coords.length < 2) {
        return;
      }
      var latlng = [coords[1], coords[0]];
      var props = feature.properties || {};
      var marker = many
        ? L.circleMarker(latlng, {
            renderer: renderer, radius: 6, weight: 2, color: "#1f4d1f", fillColor: "#2f6b2f", fillOpacity: 0.8,
          })
        : L.marker(latlng, { title: props.name, alt: props.name, keyboard: true });
      marker.bindPopup(popupContent(props));
      layer.addLayer(marker);
    });
    layer.addTo(map);
    if (features.length) {
      map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 13 });
      announce(el, (el.dataset.msgCount || "{n}").replace("{n}", String(features.length)));
    } else {
      announce(el, el.dataset.msgEmpty || "");
    }
  }

  function init(el) {
    if (el.dataset.mapReady) {
      return;
    }
    el.dataset.mapReady = "1";
    if (el.dataset.iconUrl) {
      L.Icon.Default.imagePath = el.dataset.iconUrl.slice(0, el.dataset.iconUrl.lastIndexOf("/") + 1);
    }
    var map = L.map(el, { scrollWheelZoom: false, tap: false }).setView(FRANCE, 5);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, {
        maxZoom: 18,
        attribution: el.dataset.tileAttribution || "",
      }).addTo(map);
    }
    if (el.dataset.geojson) {
      try {
        addFeatures(el, map, JSON.parse(el.dataset.geojson));
      } catch (err) {
        announce(el, el.dataset.msgError || "");
      }
      return;
    }
    if (!el.dataset.geojsonUrl) {
      return;
    }
    // "no-cache": revalidate rather than reuse a copy fetched earlier in the visit, so a structure
    // created or moved a moment ago is already on the map.
    fetch(el.dataset.geojsonUrl, {
      headers: { Accept: "application/geo+json" },
      credentials: "same-origin",
      cache: "no-cache",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        addFeatures(el, map, collection);
      })
      .catch(function () {
        announce(el, el.dataset.msgError || "");
      });
  }

  function start() {
    if (typeof window.L === "undefined") {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
