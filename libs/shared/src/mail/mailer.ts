import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The same text with its secrets withheld: what the log shows when no SMTP server is configured. */
  loggableText: string;
}

/**
 * Sends the service's mail through `SMTP_URL` (nodemailer). Without one, the mail is written to
 * the log instead, with its secrets withheld, so that an operator sees what would have gone out.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private transport: Transporter | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** `sent` through SMTP, or `logged` when no SMTP server is configured. A refused send throws (the job retries). */
  async send(mail: Mail): Promise<'sent' | 'logged'> {
    if (!this.config.smtpUrl) {
      this.logger.log(`Mail not sent (SMTP_URL is not set) to ${mail.to}: "${mail.subject}"\n${mail.loggableText}`);
      return 'logged';
    }
    this.transport ??= nodemailer.createTransport(this.config.smtpUrl);
    await this.transport.sendMail({ from: this.config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    return 'sent';
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
