"""Server-rendered SVG charts: small pure functions compute the geometry as plain numbers,
templates under templates/public/charts/ hold every bit of markup (and do the escaping)."""
