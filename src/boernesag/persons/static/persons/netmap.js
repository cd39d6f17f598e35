// The network map editor (persons). Progressive enhancement: the form's selects are the
// data; this script lets a person on the drawing be moved with the mouse (drag) or the
// keyboard (Tab to the person, arrow keys), writes the result into the same selects and
// redraws with the server's layout rule (persons/networkmap.py: layout). Saving is the
// form's normal POST. No inline scripts (CSP).
(function () {
  "use strict";

  var SECTORS = ["family", "network", "school", "professionals"]; // clockwise from top left
  var START = { family: 270, network: 0, school: 90, professionals: 180 };

  function point(centre, angle, radius) {
    var rad = (angle * Math.PI) / 180;
    return {
      x: Math.round((centre + radius * Math.sin(rad)) * 10) / 10,
      y: Math.round((centre - radius * Math.cos(rad)) * 10) / 10,
    };
  }

  function optionText(select) {
    var option = select.options[select.selectedIndex];
    return option ? option.text : "";
  }

  function initEditor(svg, form) {
    var centre = parseFloat(svg.getAttribute("data-centre"));
    var edges = svg.getAttribute("data-rings").split(",").map(parseFloat);
    var status = document.getElementById("netmap-status");
    var people = Array.prototype.slice.call(svg.querySelectorAll("[data-relation]"));

    function field(name, id) {
      return form.elements[name + "_" + id];
    }

    function placeOf(g) {
      var id = g.getAttribute("data-relation");
      return {
        sector: field("sector", id).value,
        distance: parseInt(field("distance", id).value, 10),
      };
    }

    function describe(g) {
      var id = g.getAttribute("data-relation");
      return (
        g.getAttribute("data-name") +
        " (" +
        g.getAttribute("data-what").toLowerCase() +
        "): " +
        optionText(field("sector", id)) +
        ", " +
        optionText(field("distance", id)).toLowerCase()
      );
    }

    function draw() {
      var buckets = {};
      people.forEach(function (g) {
        var place = placeOf(g);
        var key = place.sector + "/" + place.distance;
        (buckets[key] = buckets[key] || []).push(g);
      });
      Object.keys(buckets).forEach(function (key) {
        var group = buckets[key].sort(function (a, b) {
          return a.getAttribute("data-rank") - b.getAttribute("data-rank");
        });
        var count = group.length;
        group.forEach(function (g, index) {
          var place = placeOf(g);
          var angle = START[place.sector] + ((index + 1) * 90) / (count + 1);
          var radius = (edges[place.distance - 1] + edges[place.distance]) / 2;
          if (count > 3) radius += index % 2 ? 14 : -14;
          var p = point(centre, angle, radius);
          g.setAttribute("transform", "translate(" + p.x + " " + p.y + ")");
          var id = g.getAttribute("data-relation");
          var tie = svg.querySelector('[data-tie="' + id + '"]');
          if (tie) {
            tie.setAttribute("x2", p.x);
            tie.setAttribute("y2", p.y);
            var quality = field("quality", id);
            if (quality) {
              tie.setAttribute(
                "class",
                "app-netmap-tie app-netmap-tie-" + (quality.value || "none")
              );
            }
          }
          SECTORS.forEach(function (s) {
            g.classList.remove("app-netmap-person-" + s);
          });
          g.classList.add("app-netmap-person-" + place.sector);
          g.setAttribute("aria-label", describe(g));
          var title = g.querySelector("title");
          if (title) title.textContent = describe(g);
        });
      });
    }

    function move(g, sector, distance) {
      var id = g.getAttribute("data-relation");
      field("sector", id).value = sector;
      field("distance", id).value = String(distance);
      draw();
      if (status) status.textContent = describe(g) + ". Ikke gemt endnu.";
    }

    people.forEach(function (g) {
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-roledescription", "flytbar person");
      g.setAttribute("aria-describedby", "netmap-help");
      g.removeAttribute("aria-hidden");

      g.addEventListener("keydown", function (event) {
        var place = placeOf(g);
        var index = SECTORS.indexOf(place.sector);
        if (event.key === "ArrowUp") {
          move(g, place.sector, Math.max(1, place.distance - 1));
        } else if (event.key === "ArrowDown") {
          move(g, place.sector, Math.min(3, place.distance + 1));
        } else if (event.key === "ArrowRight") {
          move(g, SECTORS[(index + 1) % SECTORS.length], place.distance);
        } else if (event.key === "ArrowLeft") {
          move(g, SECTORS[(index + SECTORS.length - 1) % SECTORS.length], place.distance);
        } else {
          return;
        }
        event.preventDefault();
      });

      // dragging with a mouse, pen or finger
      g.addEventListener("pointerdown", function (event) {
        if (event.button !== 0) return;
        event.preventDefault();
        g.setPointerCapture(event.pointerId);
        g.classList.add("is-dragging");
        g.focus();
      });
      g.addEventListener("pointermove", function (event) {
        if (!g.classList.contains("is-dragging")) return;
        var p = svgPoint(event);
        g.setAttribute("transform", "translate(" + p.x + " " + p.y + ")");
      });
      g.addEventListener("pointerup", function (event) {
        if (!g.classList.contains("is-dragging")) return;
        g.classList.remove("is-dragging");
        g.releasePointerCapture(event.pointerId);
        var p = svgPoint(event);
        var dx = p.x - centre;
        var dy = centre - p.y;
        var radius = Math.sqrt(dx * dx + dy * dy);
        var angle = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360; // from 12 o'clock
        var sector = SECTORS[Math.floor(((angle - 270 + 360) % 360) / 90) % 4];
        var distance = radius <= edges[1] ? 1 : radius <= edges[2] ? 2 : 3;
        move(g, sector, distance);
      });
    });

    function svgPoint(event) {
      var pt = svg.createSVGPoint();
      pt.x = event.clientX;
      pt.y = event.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      return { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 };
    }

    form.addEventListener("change", function (event) {
      if (/^(sector|distance|quality)_/.test(event.target.name || "")) draw();
    });
    draw();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var svg = document.getElementById("netmap-svg");
    var form = document.querySelector("[data-netmap-form]");
    if (svg && form) initEditor(svg, form);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
