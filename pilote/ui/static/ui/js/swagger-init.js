/* Draws the API documentation (/api/v1/docs) with the vendored swagger-ui, from the settings that
   pilote/api.py writes in a json_script (no inline script: the Content-Security-Policy forbids it). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset];
  window.SwaggerUIBundle(config);
})();
