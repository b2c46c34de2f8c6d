// The chat page's first requests, started by an inline script while the HTML is parsed, so
// that their answers are in by the time React has hydrated (a cold load spends ~0.5–1 s in
// script compilation and hydration before the first effect runs; docs/performance.md, "Web
// client"). lib/early-requests.ts takes them; only the first page load uses them: a page
// rendered by client-side navigation does not run an inline script. The server adds the
// script's hash to the page's Content-Security-Policy (src/api/static_files.cpp).

/** What the script leaves on `window`: the session check and the conversation list. */
export interface HtmlFetches {
  me: Promise<Response>;
  conversations: Promise<Response>;
}

export const HTML_FETCHES_KEY = '__gcEarly';

// Plain ES5 in a string (it runs before any bundle). A failed fetch is caught here so that it
// is not reported as unhandled; its taker still sees the rejection.
export const earlyFetchScript = `(function(){try{var f=function(p){var r=fetch(p,{credentials:'same-origin'});r.catch(function(){});return r};window.${HTML_FETCHES_KEY}={me:f('/api/auth/me'),conversations:f('/api/conversations')}}catch(_){}})();`;
