import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AuthDevice } from './device.entity.js';

/** One signed-in session. A logout sets `revokedAt` and `revokeReason`; rows are never deleted by it. */
@Entity({ name: 'auth_sessions' })
export class AuthSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @Column({ name: 'device_id', type: 'uuid', nullable: true })
  deviceId: string | null;

  @ManyToOne(() => AuthDevice, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'device_id' })
  device?: AuthDevice | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoke_reason', type: 'text', nullable: true })
  revokeReason: string | null;

  @Column({ type: 'inet', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  /** Longest the session may go unused, chosen at sign-in; null: no idle limit. */
  @Column({ name: 'idle_timeout_seconds', type: 'integer', nullable: true })
  idleTimeoutSeconds: number | null;

  /** When the user last proved their credentials (sign-in, re-authentication); null on rows from before: created_at. */
  @Column({ name: 'authenticated_at', type: 'timestamptz', nullable: true })
  authenticatedAt: Date | null;

  /** The OpenID Connect provider the session was opened through (its issuer); null for a session of no provider. */
  @Column({ name: 'idp_issuer', type: 'text', nullable: true })
  idpIssuer: string | null;

  /** The provider's session id (`sid`), when it sent one. */
  @Column({ name: 'idp_sid', type: 'text', nullable: true })
  idpSid: string | null;

  /** The user's subject (`sub`) at the provider. */
  @Column({ name: 'idp_subject', type: 'text', nullable: true })
  idpSubject: string | null;

  /** The ID token the provider issued at sign-in: the `id_token_hint` of an RP-initiated logout. */
  @Column({ name: 'idp_id_token', type: 'text', nullable: true })
  idpIdToken: string | null;
}
