/* Map behaviour for the MASH Wales explorer (loaded after Leaflet, before any map is made).
 *
 * Scrolling the page is the default over every map:
 * - mouse wheel: scrolls the page; it zooms the map only after a click on the map (until the
 *   pointer leaves it) or while Ctrl (or Cmd) is held, which also covers trackpad pinches;
 * - touch: one finger scrolls the page, two fingers pan and zoom the map;
 * - a reset-view button under the zoom buttons returns to the first view;
 * - a map too narrow for its first view (a phone) zooms out until the view bounds fit.
 * Labels come from the map options resetViewLabel and wheelHint (the page's language).
 *
 * mashOverlay(map, data) draws what changes between reruns (geo/maps.py, overlay_js): it
 * refills the authorities (data.fills, code -> colour) and draws data.shapes in one feature
 * group, which the map component removes before the next overlay is drawn.
 */
(function () {
  "use strict";
  if (!window.L || !L.Map) return;

  var ResetView = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var box = L.DomUtil.create("div", "leaflet-bar leaflet-control mash-reset-view");
      var link = L.DomUtil.create("a", "", box);
      var label = map.options.resetViewLabel || "Reset view";
      link.href = "#";
      link.title = label;
      link.setAttribute("role", "button");
      link.setAttribute("aria-label", label);
      link.innerHTML = "&#x27F2;";
      link.style.fontSize = "18px";
      L.DomEvent.disableClickPropagation(box);
      var reset = function () { map.setView(map.options.center, map.options.zoom); };
      L.DomEvent.on(link, "click", function (e) {
        L.DomEvent.preventDefault(e);
        // Leaflet ignores a new view while a zoom animation runs: wait for its end.
        if (map._animatingZoom) map.once("zoomend", reset); else reset();
      });
      return box;
    }
  });

  window.mashOverlay = function (map, data) {
    var areas = window.mashAreas;
    var fills = data.fills || {};
    if (areas && Object.keys(fills).length) {
      var base = areas.options.mashBaseStyle || (areas.options.mashBaseStyle = areas.options.style);
      areas.options.style = function (feature) {
        var style = L.extend({}, typeof base === "function" ? base(feature) : base);
        var fill = fills[feature.properties.code];
        if (typeof fill === "string") style.fillColor = fill;
        else if (fill) L.extend(style, fill);
        return style;
      };
      areas.setStyle(areas.options.style);
    }
    var group = L.featureGroup();
    (data.shapes || []).forEach(function (s) {
      if (s.kind === "geojson") {
        L.geoJson(s.geojson, { style: s.style, interactive: false }).addTo(group);
      } else if (s.kind === "line") {
        L.polyline(s.latlngs, s.style).addTo(group);
      } else if (s.kind === "circle") {
        L.circleMarker(s.latlng, s.style).addTo(group);
      } else if (s.kind === "label") {
        // A short text on the map (e.g. how many workshop entries cover an authority), set
        // as text, never as markup.
        var div = document.createElement("div");
        div.textContent = s.text;
        div.setAttribute("style", s.css || "");
        L.marker(s.latlng, { interactive: false, keyboard: false, icon: L.divIcon({
          html: div, className: s.className || "", iconSize: s.size, iconAnchor: s.anchor
        }) }).addTo(group);
      }
    });
    map.addLayer(group);
    // The component removed every earlier overlay listed here before running this one.
    window.feature_group = [group];
    return group;
  };

  L.Map.addInitHook(function () {
    var map = this;
    var box = map.getContainer();
    var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

    // Wheel: the page scrolls until the map is clicked; Ctrl/Cmd + wheel always zooms.
    map.scrollWheelZoom.disable();
    map.on("click", function () { map.scrollWheelZoom.enable(); });
    box.addEventListener("mouseleave", function () { map.scrollWheelZoom.disable(); });
    var hint = null, hintTimer = null;
    box.addEventListener("wheel", function (e) {
      if (map.scrollWheelZoom.enabled()) return;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        var step = map.options.zoomDelta || 1;
        var zoom = map.getZoom() + (e.deltaY > 0 ? -step : step);
        map.setZoomAround(map.mouseEventToContainerPoint(e), zoom);
        return;
      }
      if (!map.options.wheelHint) return;
      if (!hint) {
        hint = L.DomUtil.create("div", "mash-wheel-hint", box);
        hint.textContent = map.options.wheelHint;
        hint.setAttribute("aria-hidden", "true");
      }
      hint.style.opacity = "1";
      clearTimeout(hintTimer);
      hintTimer = setTimeout(function () { hint.style.opacity = "0"; }, 1200);
    }, { passive: false });

    // Leaflet focuses the map on mouse down (for its keyboard controls); inside the
    // component's frame that would scroll the whole page to show all of the map, so a
    // click near the bottom of the screen would jump the page under the pointer.
    box.focus = function () { HTMLElement.prototype.focus.call(box, { preventScroll: true }); };

    // Touch: one finger scrolls the page (no dragging); two fingers pan and zoom.
    if (coarse || L.Browser.mobile) {
      map.dragging.disable();
      if (map.tap) map.tap.disable();
    }

    // Keyboard: the shapes are not separate tab stops (the lists beside every map are the
    // keyboard path); the map itself is one stop, named, whose arrow keys pan it.
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", map.options.mapLabel || "Map of Wales");
    var unfocus = function () {
      box.querySelectorAll(".leaflet-interactive").forEach(function (el) {
        el.setAttribute("tabindex", "-1");
        el.setAttribute("aria-hidden", "true");
      });
    };
    map.on("layeradd", function () { setTimeout(unfocus, 0); });

    // The first view is worked out on the server for a map of average width; on a narrower
    // map (a phone) zoom out, once ready and on a resize while still at the first zoom, until
    // the whole of the view bounds is in sight. The reset button returns to this view.
    var fit = function () {
      var b = map.options.mashViewBounds;
      var size = map.getSize();
      if (!b || !size.x || !size.y) return;
      var zoom = map.getBoundsZoom(L.latLngBounds(b), false, L.point(6, 6));
      if (zoom < map.getZoom()) {
        map.setView(map.options.center, zoom, { animate: false });
        map.options.zoom = zoom;
      }
    };
    map.on("resize", function () { if (map.getZoom() === map.options.zoom) fit(); });

    map.whenReady(function () { fit(); new ResetView().addTo(map); unfocus(); });
  });
})();
