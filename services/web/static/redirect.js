/* Where the sign-in link may send the officer next: a path on this origin, or nowhere.
   "//host", "/\host" (browsers read "\" as "/") and absolute URLs all leave the origin: the URL parser
   decides, not a prefix test. Also loaded by node in the tests (module.exports). */
(function (root) {
  function sameOriginPath(next, origin) {
    if (typeof next !== "string" || !next.startsWith("/")) return null;
    let target;
    try { target = new URL(next, origin); } catch (e) { return null; }
    if (target.origin !== origin) return null;
    return target.pathname + target.search + target.hash;
  }
  root.sameOriginPath = sameOriginPath;
  if (typeof module !== "undefined") module.exports = { sameOriginPath };
})(typeof window !== "undefined" ? window : globalThis);
