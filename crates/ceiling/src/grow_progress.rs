//! The progress bar of `ceiling grow` on stderr: rows loaded per step, then what is being timed.
//! Hidden when stderr is not a terminal, so logs and CI output stay clean.

use ceiling_grow::run::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        Bar { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&mut self, text: &str) {
        self.bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"));
        self.bar.set_length(0);
        self.bar.set_message(text.to_owned());
        self.bar.tick();
    }

    fn load_started(&mut self, step: u64, rows: u64) {
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} rows, {per_sec}")
            .expect("a valid template")
            .progress_chars("=> ");
        self.bar.set_style(style);
        self.bar.set_length(rows);
        self.bar.set_position(0);
        self.bar.set_message(format!("loading the {} step", ceiling_page::units::format_rows(step as f64)));
    }

    fn rows_loaded(&mut self, rows: u64) {
        self.bar.set_position(rows);
    }

    fn load_finished(&mut self) {
        self.bar.set_position(self.bar.length().unwrap_or(0));
    }
}
