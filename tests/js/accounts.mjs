// A small partner subgraph: the accounts service, which owns `User @key(fields: "id")`.
// Its users are the demo data set's accounts, so that queries can cross into Treasure Hunt and back.

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

export const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  type Query {
    "Every account."
    users: [User!]!
    "One account."
    user(id: ID!): User
  }

  "An account: who a token's sub names."
  type User @key(fields: "id") {
    id: ID!
    name: String!
    email: String!
  }
`);

const USERS = [
  { id: "demo-anne", name: "Anne Bonny", email: "anne@example.org" },
  { id: "demo-john", name: "John Silver", email: "john@example.org" },
  { id: "demo-mary", name: "Mary Read", email: "mary@example.org" },
  { id: "demo-jack", name: "Jack Rackham", email: "jack@example.org" },
  { id: "demo-grace", name: "Grace O'Malley", email: "grace@example.org" },
  { id: "demo-nobody", name: "Nobody Yet", email: "nobody@example.org" },
];

const resolvers = {
  Query: {
    users: () => USERS,
    user: (_, { id }) => USERS.find((u) => u.id === id) ?? null,
  },
  User: {
    __resolveReference: ({ id }) => USERS.find((u) => u.id === id) ?? null,
  },
};

/** Starts the accounts subgraph on a free loopback port; returns its URL and a stop function. */
export async function startAccounts() {
  const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers }) });
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
  return { url, stop: () => server.stop() };
}
