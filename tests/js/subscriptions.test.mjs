// Subscriptions with the graphql-ws client from npm (the graphql-transport-ws protocol) against the real server:
// a solve made over HTTP reaches the subscriber, and a forged token is refused in connection_init.
//
// Run by .ci/run (`npm test` in this folder) after `cargo test` has built target/debug/treasure-hunt;
// TREASURE_HUNT_BIN names another binary.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";

import { createClient } from "graphql-ws";
import WebSocket from "ws";

import { startServer } from "./server.mjs";

const SECRET = "graphql-ws-test-secret";

let server;
let url;

/** An HS256 token for `sub`, signed with the server's secret. */
function token(sub, role) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { sub, exp: Math.floor(Date.now() / 1000) + 600, ...(role ? { role } : {}) };
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${unsigned}.${createHmac("sha256", SECRET).update(unsigned).digest("base64url")}`;
}

async function gql(bearer, query, variables = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

async function activeSubscriptions() {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("graphql_subscriptions_active "));
  return line ? Number(line.split(" ").pop()) : 0;
}

before(async () => {
  server = await startServer(["--jwt-secret", SECRET]);
  url = server.url;
});

after(() => server?.stop());

test("a solve over HTTP reaches a graphql-ws subscriber", async () => {
  const organizer = token("js-organizer", "organizer");
  const player = token("js-player");
  const { createHunt } = await gql(organizer, `mutation { createHunt(input: { slug: "js-live", title: "Live" }) { id } }`);
  const { addClue } = await gql(
    organizer,
    `mutation($hunt: ID!) { addClue(input: { huntId: $hunt, title: "First", riddle: "Say hello", answer: "hello", points: 7 }) { id } }`,
    { hunt: createHunt.id },
  );
  await gql(organizer, `mutation($hunt: ID!) { startHunt(huntId: $hunt) { status } }`, { hunt: createHunt.id });
  await gql(player, `mutation { registerPlayer(input: { handle: "js_player", displayName: "JS" }) { id } }`);
  await gql(player, `mutation($hunt: ID!) { joinHunt(huntId: $hunt) { id } }`, { hunt: createHunt.id });

  const client = createClient({
    url: url.replace("http", "ws") + "/graphql",
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${player}` },
    retryAttempts: 0,
  });
  const events = client.iterate({
    query: `subscription($hunt: ID!) { huntEvents(huntId: $hunt) {
      __typename ... on ClueSolvedEvent { points player { handle } clue { title } }
    } }`,
    variables: { hunt: createHunt.id },
  });
  const first = events.next();
  for (let attempt = 0; (await activeSubscriptions()) < 1; attempt++) {
    assert.ok(attempt < 100, "the subscription never started");
    await new Promise((r) => setTimeout(r, 50));
  }
  const answered = await gql(player, `mutation($clue: ID!) { submitAnswer(clueId: $clue, answer: "Hello") { correct } }`, {
    clue: addClue.id,
  });
  assert.equal(answered.submitAnswer.correct, true);
  const { value } = await first;
  assert.deepEqual(value.data.huntEvents, {
    __typename: "ClueSolvedEvent",
    points: 7,
    player: { handle: "js_player" },
    clue: { title: "First" },
  });
  await events.return();
  await client.dispose();
});

test("a forged token is refused in connection_init with 4403", async () => {
  const closed = new Promise((resolve) => {
    const client = createClient({
      url: url.replace("http", "ws") + "/graphql",
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: "Bearer forged.token.here" },
      retryAttempts: 0,
      lazy: false,
      on: { closed: (event) => resolve(event.code) },
      onNonLazyError: () => {},
    });
    setTimeout(() => client.dispose(), 5000);
  });
  assert.equal(await closed, 4403);
});
