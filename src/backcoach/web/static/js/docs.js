// The API docs page: Swagger UI on /openapi.json, from our own copy (never a CDN). In clinic mode
// "Try it out" sends the page's CSRF token with every change, as the app's own pages do.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (request) {
      if (meta && request.method && request.method.toUpperCase() !== "GET") {
        request.headers["X-CSRF-Token"] = meta.getAttribute("content");
      }
      return request;
    }
  });
})();
