import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A client device of a user, named by the client's own device id. */
@Entity({ name: 'auth_devices' })
@Index('auth_devices_user_external_uq', ['userId', 'externalId'], { unique: true })
export class AuthDevice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  /** The device id the client sent (e.g. `X-DeviceId`). */
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ name: 'push_token', type: 'text', nullable: true })
  pushToken: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
