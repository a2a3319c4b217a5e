// POST a FormData as the script-driven forms do (the CSRF token from the page's meta tag, JSON
// asked for); resolves to [response, body].
async function boardSend(url, data) {
  const response = await fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: {
      "X-CSRFToken": document.querySelector("meta[name=csrf-token]").content,
      "Accept": "application/json",
    },
  });
  return [response, await response.json()];
}
