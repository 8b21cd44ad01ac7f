// Mail to users behind one interface, chosen by MAIL_SENDER: today only the
// password reset link. `log`, the one sender built here (this project has no
// SMTP), writes the mail, link included, to the log; a production sender is
// another MailSender. Mails wait in a bounded in-memory queue that the task
// "mail-outbox" drains, so no request waits for the sending (nor shows by its
// timing whether a mail was sent); a full queue drops the new mail with an
// error line (the user can ask again), and a failed send is retried by the
// next pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "core/base/async.hpp"
#include "core/base/config.hpp"
#include "core/service/runtime.hpp"

namespace uitgo::user {

struct PasswordResetMail {
  std::string to;    // email address
  std::string name;  // the account's name
  std::string link;  // PASSWORD_RESET_URL with ?token=
  std::int64_t valid_minutes = 0;
};

class MailSender {
 public:
  virtual ~MailSender() = default;
  // Throws when the mail could not be handed over (it is then retried).
  virtual awaitable<void> send_password_reset(const PasswordResetMail& mail) = 0;
};

// MAIL_SENDER=log: one log line per mail.
class LogMailSender final : public MailSender {
 public:
  awaitable<void> send_password_reset(const PasswordResetMail& mail) override;
};

// MAIL_SENDER, MAIL_QUEUE_MAX.
config::Spec mail_spec();
std::unique_ptr<MailSender> make_mail_sender(const config::Values& config);

class MailOutbox {
 public:
  MailOutbox(service::Runtime& runtime, std::unique_ptr<MailSender> sender, std::size_t max_queued);

  // Any thread; never blocks. False when the queue was full (the mail is dropped).
  bool enqueue(PasswordResetMail mail);

 private:
  awaitable<void> pass();

  std::unique_ptr<MailSender> sender_;
  std::size_t max_queued_;
  std::mutex mutex_;
  std::deque<PasswordResetMail> queue_;
  service::PeriodicTask* task_ = nullptr;
};

}  // namespace uitgo::user
