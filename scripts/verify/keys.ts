/**
 * Fresh keys for every create, so a real server never sees a replay: Pivot answers a repeated
 * `X-REQUEST-ID` with the first response (same payload) or 409 (another payload), and merchants
 * reconcile by `clientReferenceId`.
 * Sources: https://pivot-payment.gitbook.io/pivot-docs/api-references/api-information/idempotency
 * (Requirements: alphanumeric, 16–36 characters); create-payment-session.md, request table
 * (`clientReferenceId`: alphanumeric, 1–100 characters).
 */
import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number): string {
  let key = '';
  for (let index = 0; index < length; index++) key += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return key;
}

/** A fresh idempotency key: 32 alphanumeric characters (the contract allows 16–36). */
export function requestId(): string {
  return randomAlphanumeric(32);
}

/** A fresh `clientReferenceId`: `verify` and 26 random characters, so a merchant can spot verify's sessions. */
export function clientReferenceId(): string {
  return `verify${randomAlphanumeric(26)}`;
}

/** The body with a fresh `clientReferenceId` when it carries one (creates); other bodies unchanged. */
export function withFreshReference(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('clientReferenceId' in body)) return body;
  return { ...body, clientReferenceId: clientReferenceId() };
}
