import { expectArg } from '../errors.ts'

/**
 * Workload identity for mTLS, SPIFFE style: every workload runs as a service account and gets an
 * X.509 certificate naming `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`, signed by
 * the mesh's CA and valid for a short time (Istio: 24 h). The sidecar renews it well before it
 * expires (Istio renews once half the lifetime has passed), so identities rotate without anyone
 * touching the application.
 */
export interface Certificate {
  readonly serial: number
  /** The SPIFFE id the certificate vouches for. */
  readonly spiffeId: string
  /** Who signed it: the mesh CA's name, or anything else for an outsider's self-signed one. */
  readonly issuer: string
  readonly notBefore: number
  readonly notAfter: number
}

export type CertProblem = 'no certificate' | 'expired' | 'not yet valid' | 'untrusted issuer' | 'wrong identity'

export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`
}

/** The mesh's certificate authority (Istio's istiod, Linkerd's identity service). */
export class CertificateAuthority {
  private serial = 0

  constructor(
    readonly name: string,
    readonly ttlMs: number,
  ) {
    expectArg(Number.isFinite(ttlMs) && ttlMs > 0, 'certTtlMs', ttlMs, 'a number of ms > 0')
  }

  issue(id: string, now: number): Certificate {
    return { serial: ++this.serial, spiffeId: id, issuer: this.name, notBefore: now, notAfter: now + this.ttlMs }
  }
}

/**
 * Check a peer's certificate as a sidecar does during the handshake: present, signed by our CA,
 * within its validity period, and (when we know whom we meant to reach) naming that identity.
 * Returns the problem, or null if the certificate is good.
 */
export function verifyCertificate(cert: Certificate | null, now: number, trustedIssuer: string, expectedId?: string): CertProblem | null {
  if (!cert) return 'no certificate'
  if (cert.issuer !== trustedIssuer) return 'untrusted issuer'
  if (now < cert.notBefore) return 'not yet valid'
  if (now >= cert.notAfter) return 'expired'
  if (expectedId !== undefined && cert.spiffeId !== expectedId) return 'wrong identity'
  return null
}
