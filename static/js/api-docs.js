// Starts Swagger UI on the API documentation page (templates/api/docs.html).
// A file, not an inline script, so the page keeps the site's Content-Security-Policy.
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.ui = window.SwaggerUIBundle({
      url: root.getAttribute("data-schema-url"),
      domNode: root,
      deepLinking: true,
      // No call to the public validator: the page talks to this site only.
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      // The API is read-only: "Try it out" only for GET.
      supportedSubmitMethods: ["get"],
      defaultModelsExpandDepth: 0,
      displayRequestDuration: true
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
