#include "user/accounts/mail.hpp"

#include "core/base/log.hpp"

namespace uitgo::user {

awaitable<void> LogMailSender::send_password_reset(const PasswordResetMail& mail) {
  log::info("password reset mail (MAIL_SENDER=log: not sent, the link is here)",
            {{"to", mail.to}, {"name", mail.name}, {"link", mail.link}, {"validMinutes", mail.valid_minutes}});
  co_return;
}

config::Spec mail_spec() {
  config::Spec s;
  s.choice("MAIL_SENDER", "log", {"log"},
           "how mail to users (password reset links) is sent: log = written to the log, nothing is sent")
      .integer("MAIL_QUEUE_MAX", 1000, 1, 1000000, "mails waiting to be sent at most; beyond it new ones are dropped");
  return s;
}

std::unique_ptr<MailSender> make_mail_sender(const config::Values&) { return std::make_unique<LogMailSender>(); }

MailOutbox::MailOutbox(service::Runtime& runtime, std::unique_ptr<MailSender> sender, std::size_t max_queued)
    : sender_(std::move(sender)), max_queued_(max_queued) {
  task_ =
      &runtime.add_task({.name = "mail-outbox", .period = Millis(1000), .final_pass = true}, [this] { return pass(); });
}

bool MailOutbox::enqueue(PasswordResetMail mail) {
  {
    const std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queued_) {
      log::error("mail queue full: password reset mail dropped",
                 {{"queued", static_cast<std::int64_t>(queue_.size())}});
      return false;
    }
    queue_.push_back(std::move(mail));
  }
  task_->wake();
  return true;
}

awaitable<void> MailOutbox::pass() {
  while (true) {
    PasswordResetMail mail;
    {
      const std::lock_guard lock(mutex_);
      if (queue_.empty()) co_return;
      mail = std::move(queue_.front());
      queue_.pop_front();
    }
    std::exception_ptr failure;
    try {
      co_await sender_->send_password_reset(mail);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      const std::lock_guard lock(mutex_);
      queue_.push_front(std::move(mail));  // the next pass tries again
      std::rethrow_exception(failure);
    }
  }
}

}  // namespace uitgo::user
