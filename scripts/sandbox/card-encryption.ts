/**
 * The card encryption flow: the merchant's front end encrypts the customer's card with the session's
 * `encryptionKey` and confirms with `encryptedCard`; only Pivot can read it (Build Cards Encryption Flow:
 * card details "are encrypted using an RSA public key before being transmitted"; Payment Session Object ›
 * encryptionKey: "To be used as Encryption of Customer's Card Information in Merchant FE").
 *
 * The page's capture ends before it shows the cipher or what is encrypted: the sandbox uses RSA-OAEP with
 * SHA-256 over the JSON `{"number","expMonth","expYear","cvc"}`, base64 (decision `card-encryption-format`).
 * The hosted page encrypts its card form the same way in the browser (Web Crypto), so a card number
 * never travels in clear. The key pair is fixed and published here: it is a sandbox's, it protects no
 * real card, and a session keeps a key that still works after a restart.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { enterCard, type EnteredCard } from './test-cards.ts';

/** The public half (SPKI DER, base64): every session's `encryptionKey`, as the documented responses show it. */
export const SANDBOX_ENCRYPTION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA10c63gbhzlr49ir7vyKwFcaMalrKILboobdxoJXbqdNIqLhAorj5srnfKOlKSsYYaLySrQQlym7e2qisjyQJlfuV/mDHXlWE6ijfl2U0JS/ny/Vyd1PLBLXZXYbFeJeHddJ8tA9htoEwSPatgP+xNERI5LccKxgJ4GqMdBkjgzDFcFRkaoZDA/dFqSEGBKUjuAXNml+52VsnHrPX1Qnxmnv5cuhX4IW8sOlvCNTv8YMFIkNAy95Md/DQHmj3sOzaKIf4hGcYBvPEl4Pe+6ooKBys81LPnsoZ3RaUlnIOF64w+iULorPgNhQw2+9J3UlDPywHXt55UIuoMXpxOgtzRwIDAQAB';

/** The private half (PKCS#1 DER, base64). Not a secret: see above. */
const SANDBOX_DECRYPTION_KEY =
  'MIIEpAIBAAKCAQEA10c63gbhzlr49ir7vyKwFcaMalrKILboobdxoJXbqdNIqLhAorj5srnfKOlKSsYYaLySrQQlym7e2qisjyQJ' +
  'lfuV/mDHXlWE6ijfl2U0JS/ny/Vyd1PLBLXZXYbFeJeHddJ8tA9htoEwSPatgP+xNERI5LccKxgJ4GqMdBkjgzDFcFRkaoZDA/dF' +
  'qSEGBKUjuAXNml+52VsnHrPX1Qnxmnv5cuhX4IW8sOlvCNTv8YMFIkNAy95Md/DQHmj3sOzaKIf4hGcYBvPEl4Pe+6ooKBys81LP' +
  'nsoZ3RaUlnIOF64w+iULorPgNhQw2+9J3UlDPywHXt55UIuoMXpxOgtzRwIDAQABAoIBABE4F1NPBZy11hgKlBxTr/Xt7alMHcLE' +
  'HpNg0uvfULSiu7sTEchyNza+e0UQc+rLMYSfILRKEqPAfn7K4xKH9WRTvUmdgBThjkIUht3bMHKRBF9iAIfe4ew8h2hdsUnWBPW9' +
  'ok/csxof9za+1F3vFcNyesogg1ZHE/MpUpautBJ4HJu1gUjhvx1xDIb27VZ9vi9QfZfPbY/zS1BztItBoenkZ3E8aPJv5D4pHSId' +
  'Y+Ngrp5+8jWStCVMNYU7vsLr3pkKO4RH5mwUOre4H9SKZSt0hR7XEIYFfpiFHFeHmaSNIAsJSQuCvhh5v30lxeSWhmV4aqB9tjt2' +
  'V640xl5zh3ECgYEA9SBn3nZXZr1etP9gLvudd0lxSVuL2Li4VPrzm0zRndWbVXeeemqlefg4yXCEBQyi1fpJTAFc7YhMqJ9SqEN2' +
  'H8jMoHJ2pIVAhLZrehdH90qWIl/5X7X4+3rcpGj4uimBWYqO10NJcREd5cwl1ZhIvQHbIpKDUzUdmDpReOSuzM0CgYEA4NPfxvwk' +
  'T9y191D+2Oth49u+w7fLUJoyVn+ccItvQoETwX8OX53hf0ajyd6EZBF7+OPrd1qgJsY18Iix5y2nGXZy8QAX+Wq3HhZJJ55wXhhW' +
  '8lXOeuS2t4igQcz558yizRMfoEMZ35qRTSqu1h6xp4vOGvZWt+AEUyMwK3Q7QGMCgYBGydr1JZvL8bgd8Pnn14X74tuyYZubNI0X' +
  'DXm4SZDnUb6QCgFcPNwYwxQzKCkYBDQqMyNjrakWd5wbvhbyvLiqKSTe2O9mR40ARmX3Vi3UPlfpCWpMt5J1nV+Go0HhEQdnwlnJ' +
  '1Iaq/lRx/miWrGmlG5oa+9CtANPRGFZa4T+RqQKBgQDaCB8IFhYQ7PX69i1vqDWyh7SkkWU2sZMHl5HbAx3O3OaPy+vghnfcumC0' +
  'sHqroNkdMct0YArYD3jX33jHvNpEMz6cwX5+fyM+plYjed93IRuQv+4R+CPKMVFY/rOMPEPVpSoSfYBl/LvUngQX2oRm+4nRU/wd' +
  'Lb6D8agRPBMKCQKBgQC3DL/pyVjkxXN25Akk0iXRfG3c1Dv5Em20XXqBxPBnao5dVP+KdyWZ1kIOPU+XLoz6Rr2Kk7+IFk5V8MWN' +
  'Ywnt8ssBikvSI8PhUBR66N1GlJ6AMR5OnkErqIACH8mnimE2mDY18ugznhp3Ge6ai/7R6aIocNg9Ojekvw3DUVeMoQ==';

let privateKey: KeyObject | undefined;

/** What a card holder typed, as the encrypted JSON carries it. */
export interface PlainCard {
  number: string;
  expMonth: number;
  expYear: number;
  cvc?: string;
}

/** `encryptedCard` for a card: what a merchant's front end sends (tests and tools use it too). */
export function encryptCard(card: PlainCard, publicKey: string = SANDBOX_ENCRYPTION_KEY): string {
  const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  return publicEncrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(JSON.stringify(card)),
  ).toString('base64');
}

/**
 * The card inside an `encryptedCard`, or undefined when it was not made with the sandbox's key or does
 * not hold a card (such a value is treated as a card the test table does not list: decision `unknown-test-card`).
 */
export function decryptCard(encrypted: string): PlainCard | undefined {
  privateKey ??= createPrivateKey({ key: Buffer.from(SANDBOX_DECRYPTION_KEY, 'base64'), format: 'der', type: 'pkcs1' });
  let text: string;
  try {
    text = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(encrypted, 'base64'),
    ).toString('utf8');
  } catch {
    return undefined;
  }
  let card: any;
  try {
    card = JSON.parse(text);
  } catch {
    return undefined;
  }
  const number = typeof card?.number === 'string' ? card.number.replace(/[\s-]/g, '') : '';
  const expMonth = Number(card?.expMonth);
  const expYear = Number(card?.expYear);
  if (
    !/^[0-9]{12,19}$/.test(number) ||
    !Number.isInteger(expMonth) ||
    expMonth < 1 ||
    expMonth > 12 ||
    !Number.isInteger(expYear)
  )
    return undefined;
  return { number, expMonth, expYear, ...(typeof card.cvc === 'string' ? { cvc: card.cvc } : {}) };
}

/**
 * The card of a request's `paymentMethod.card`: its `number`, or the card inside a readable
 * `encryptedCard`; undefined for a token, or an `encryptedCard` the sandbox cannot read.
 */
export function cardOfInput(input: Record<string, any> | undefined): EnteredCard | undefined {
  if (!input) return undefined;
  const holder = [input.cardHolderFirstName, input.cardHolderLastName].filter(Boolean).join(' ') || undefined;
  if (typeof input.number === 'string') return enterCard(input.number, input.expMonth, input.expYear, holder);
  if (typeof input.encryptedCard !== 'string') return undefined;
  const card = decryptCard(input.encryptedCard);
  return card && enterCard(card.number, card.expMonth, card.expYear, holder);
}
