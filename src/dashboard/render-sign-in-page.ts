/** The sign-in page shown when a master key is set and the browser has no session. */
export function renderSignInPage(options: { failed: boolean }): string {
  const notice = options.failed ? '<p class="error" role="alert">That is not the master key.</p>' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tollgate · sign in</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2430; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { background: #fff; padding: 28px 32px; border-radius: 10px; box-shadow: 0 1px 3px rgba(0,0,0,.12); width: 320px; }
  h1 { font-size: 20px; margin: 0 0 4px; } p { margin: 0 0 16px; color: #5b6472; }
  input { width: 100%; box-sizing: border-box; padding: 8px 10px; border: 1px solid #c9ced6; border-radius: 6px; font: inherit; }
  button { margin-top: 12px; width: 100%; padding: 8px; border: 0; border-radius: 6px; background: #2557d6; color: #fff; font: inherit; cursor: pointer; }
  .error { color: #b42318; }
</style>
</head>
<body>
<form method="post" action="/dashboard/login">
  <h1>Tollgate</h1>
  <p>This gateway has a master key. Enter it to open the dashboard.</p>
  ${notice}
  <label for="key">Master key</label>
  <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
  <button type="submit">Open the dashboard</button>
</form>
</body>
</html>
`;
}

/** The page shown when the dashboard's static files are missing. */
export function renderNotBuiltPage(directory: string): string {
  const escaped = directory.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tollgate · dashboard not built</title></head>
<body style="font: 15px/1.5 system-ui, sans-serif; margin: 40px"><h1>The dashboard is not built</h1>
<p>No <code>index.html</code> in <code>${escaped}</code>. Run <code>npm run build</code> (it runs <code>node scripts/build-dashboard.mjs</code>).</p></body></html>
`;
}
