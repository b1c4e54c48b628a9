// Treasure Hunt behind a real gateway: Apollo Gateway composes it with the accounts subgraph (accounts.mjs),
// and queries start in either subgraph and cross into the other.
//
// Run by .ci/run (`npm ci && npm test` in this folder) after `cargo test` has built target/debug/treasure-hunt;
// TREASURE_HUNT_BIN names another binary.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { composeServices } from "@apollo/composition";
import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { parse } from "graphql";
import usageReporting from "@apollo/usage-reporting-protobuf";

import { startAccounts, typeDefs as accountsTypeDefs } from "./accounts.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BINARY = process.env.TREASURE_HUNT_BIN ?? join(ROOT, "target", "debug", "treasure-hunt");
const SDL = readFileSync(join(ROOT, "schema", "treasure-hunt.graphql"), "utf8");

let hunts;
let huntsUrl;
let accounts;
let gateway;
let gatewayUrl;
let workdir;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url) {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the Treasure Hunt server did not become ready");
}

async function query(document, variables = {}) {
  const response = await fetch(gatewayUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: document, variables }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

before(async () => {
  workdir = mkdtempSync(join(tmpdir(), "hunt-federation-"));
  const port = await freePort();
  huntsUrl = `http://127.0.0.1:${port}`;
  hunts = spawn(BINARY, ["serve", "--demo", "--listen", `127.0.0.1:${port}`], {
    env: { ...process.env, DATABASE_URL: `sqlite://${join(workdir, "hunts.db")}?mode=rwc`, RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitUntilReady(huntsUrl);
  accounts = await startAccounts();
  gateway = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: [
          { name: "hunts", url: `${huntsUrl}/graphql` },
          { name: "accounts", url: accounts.url },
        ],
      }),
    }),
  });
  ({ url: gatewayUrl } = await startStandaloneServer(gateway, { listen: { host: "127.0.0.1", port: 0 } }));
});

after(async () => {
  await gateway?.stop();
  await accounts?.stop();
  hunts?.kill("SIGTERM");
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

test("the committed SDL composes with the accounts subgraph without errors or hints", () => {
  const result = composeServices([
    { name: "hunts", typeDefs: parse(SDL), url: "http://hunts" },
    { name: "accounts", typeDefs: accountsTypeDefs, url: "http://accounts" },
  ]);
  assert.equal(result.errors, undefined, result.errors?.map(String).join("\n"));
  assert.deepEqual(result.hints.map((hint) => hint.toString()), []);
});

test("a query starting in Treasure Hunt crosses into accounts", async () => {
  const body = await query(`{
    hunt(slug: "pirate-cove") {
      title
      leaderboard(first: 2) { rank player { handle account { id name email } } }
    }
  }`);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  assert.deepEqual(body.data.hunt, {
    title: "The Pirate's Cove",
    leaderboard: [
      { rank: 1, player: { handle: "anne_bonny", account: { id: "demo-anne", name: "Anne Bonny", email: "anne@example.org" } } },
      { rank: 2, player: { handle: "long_john", account: { id: "demo-john", name: "John Silver", email: "john@example.org" } } },
    ],
  });
});

/** How many batches the Treasure Hunt server has run for `loader` so far. */
async function batches(loader) {
  const text = await (await fetch(`${huntsUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`dataloader_batch_size_count{loader="${loader}"}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

test("a query starting in accounts crosses into Treasure Hunt, all users' players in one batch", async () => {
  const before = await batches("PlayerAccount");
  const body = await query(`{ users { id name player { handle score hunts { slug } } } }`);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  assert.equal(await batches("PlayerAccount"), before + 1);
  const byId = Object.fromEntries(body.data.users.map((u) => [u.id, u]));
  assert.deepEqual(byId["demo-mary"].player, {
    handle: "mary_read",
    score: 70,
    hunts: [{ slug: "pirate-cove" }, { slug: "library-of-whispers" }],
  });
  assert.equal(byId["demo-nobody"].player, null);
});

test("ftv1 traces decode with Apollo's own protobuf definitions", async () => {
  const response = await fetch(`${huntsUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "apollo-federation-include-trace": "ftv1" },
    body: JSON.stringify({ query: `{ hunt(slug: "pirate-cove") { title clues { position } } }` }),
  });
  const body = await response.json();
  const trace = usageReporting.Trace.decode(Buffer.from(body.extensions.ftv1, "base64"));
  assert.ok(Number(trace.durationNs) > 0);
  assert.ok(trace.startTime && trace.endTime);
  const hunt = trace.root.child.find((c) => c.responseName === "hunt");
  assert.equal(hunt.type, "Hunt");
  assert.equal(hunt.parentType, "Query");
  const clues = hunt.child.find((c) => c.responseName === "clues");
  assert.equal(clues.child.length, 4);
  assert.equal(clues.child[3].index, 3);
  assert.equal(clues.child[3].child[0].responseName, "position");
});

test("entities of this subgraph resolve through the gateway both ways in one query", async () => {
  const body = await query(`query($id: ID!) {
    user(id: $id) { name player { displayName hunts { slug leaderboard(first: 1) { player { account { name } } } } } }
  }`, { id: "demo-grace" });
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  assert.equal(body.data.user.player.displayName, "Gráinne O'Malley");
  const museum = body.data.user.player.hunts.find((h) => h.slug === "midnight-museum");
  assert.equal(museum.leaderboard[0].player.account.name, "Grace O'Malley");
});
