/**
 * A small certificate authority for one Bellwether cluster: a CA key and certificate, and the node
 * and client certificates it signs, written as PEM files that the Vert.x transport and the HTTPS API
 * read. Built on BouncyCastle; keys are ECDSA P-256, signatures SHA-256 with ECDSA, which every TLS
 * 1.2 and 1.3 stack accepts and security reviews do not flag.
 */
package io.bellwether.pki;
