// The playground: GraphiQL served by the Treasure Hunt server itself, with no request leaving for a CDN.
// The server writes its settings into the page as JSON (see src/http/playground.rs): the endpoint, the example
// operations of playground/operations/, and in demo mode a development token for the header editor.
import React from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { createClient } from "graphql-ws";
import { parse } from "graphql";
import "graphiql/graphiql.css";

const settings = JSON.parse(document.getElementById("playground-settings").textContent);
const endpoint = new URL(settings.endpoint, window.location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

// Subscriptions authenticate in connection_init: send the Authorization header of the header editor there.
let currentHeaders = {};
const wsClient = createClient({
  url: socket.href,
  lazy: true,
  connectionParams: () => (currentHeaders.Authorization ? { Authorization: currentHeaders.Authorization } : {}),
});
const httpFetcher = createGraphiQLFetcher({ url: endpoint.href, wsClient });
// GraphiQL updates the operation name and parsed document a moment after a tab switch; run right away and it
// would send the previous tab's name, and take a subscription for a query (sending it over HTTP). Both are
// worked out here from the text actually sent: a document with one operation runs that one.
function settled(params, options) {
  try {
    const documentAST = parse(params.query);
    const names = documentAST.definitions
      .filter((d) => d.kind === "OperationDefinition")
      .map((d) => d.name?.value);
    const operationName =
      names.length === 1 && !names.includes(params.operationName) ? names[0] : params.operationName;
    return [{ ...params, operationName }, { ...options, documentAST }];
  } catch {
    return [params, options]; // Not parsable: the server says why.
  }
}

const fetcher = (params, options) => {
  currentHeaders = options?.headers ?? {};
  return httpFetcher(...settled(params, options));
};

const tabs = settings.operations.map(({ query, variables }) => ({ query, variables }));

createRoot(document.getElementById("playground")).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={tabs}
    defaultHeaders={settings.headers}
    shouldPersistHeaders={false}
    defaultEditorToolsVisibility={settings.headers ? "headers" : false}
    storage={{ ...window.localStorage, getItem: () => null, setItem: () => {}, removeItem: () => {}, clear: () => {}, length: 0 }}
  />,
);
