/* Swagger UI for the API, started from a file (the page's CSP allows no inline script). */
"use strict";

(() => {
  const root = document.getElementById("swagger-ui");
  try {
    window.ui = SwaggerUIBundle({
      url: root.dataset.openapiUrl,
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      validatorUrl: null,
      tryItOutEnabled: false,
      withCredentials: true,
    });
  } catch (error) {
    console.error("API docs failed to start:", error);
    root.textContent = `The API docs failed to start: ${error.message || error}. The schema is at ${root.dataset.openapiUrl}.`;
  }
})();
