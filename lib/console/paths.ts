/**
 * Route patterns of the console that exist only as pages or assets (HTML, JS, CSS): not API
 * operations, so the OpenAPI document leaves them out (lib/api/openapi.ts PAGES). The pages at
 * `/interviews/:id` and `/tags` share their paths with API routes and are negotiated on Accept.
 */
export const CONSOLE_PAGES: readonly string[] = [
  '/',
  '/people/:id',
  '/tags/:tag',
  '/upload',
  '/assets/:name',
  '/favicon.ico',
];
