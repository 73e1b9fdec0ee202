;;; gud-test.el --- M-x qdb driving a real qdb-cli session  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by EmacsTests.swift after editors/emacs/qdb.el:
;;
;;   QDB_TEST_MODE=run     `qdb-cli run' of QDB_TEST_PROGRAM under `qdb':
;;                         steps, breakpoints set from the source buffer,
;;                         up/down, return, until, print, quit.
;;   QDB_TEST_MODE=attach  a session already on a server (QDB_TEST_ADDRESS,
;;                         QDB_TEST_UUID, QDB_TEST_AUTH): `qdb' attached
;;                         with qdb-cli's -w/-u/-a, beside the original
;;                         qdb.el's way (a comint buffer running qdb-cli and
;;                         `tail -f' of its transcript /tmp/qdb/.UUID).
;;
;; QDB_CLI is the qdb-cli to run.  Prints `qdb-test: ok N checks' and exits
;; 0, or prints what failed and what the buffers held, and exits 1.

;;; Code:

(require 'comint)

(defconst qdb-test-timeout 30
  "Seconds any one wait may take: the session must never hang the test.")

(defvar qdb-test-checks 0)

(defvar qdb-test-buffers nil
  "Buffers whose text a failure shows.")

(defvar qdb-test-last-wait "nothing yet"
  "What the last wait that held waited for: where an error happened.")

(defun qdb-test-env (name)
  (or (getenv name) (qdb-test-fail "%s is not set" name)))

(defun qdb-test-fail (format-string &rest args)
  (princ (format "qdb-test: FAILED: %s (after waiting for %s)\n"
                 (apply #'format format-string args) qdb-test-last-wait))
  (dolist (buffer qdb-test-buffers)
    (when (buffer-live-p buffer)
      (princ (format "---- %s ----\n%s\n---- end of %s ----\n"
                     (buffer-name buffer)
                     (with-current-buffer buffer (buffer-substring-no-properties (point-min) (point-max)))
                     (buffer-name buffer)))))
  (kill-emacs 1))

(defun qdb-test-check (condition format-string &rest args)
  (if condition
      (setq qdb-test-checks (1+ qdb-test-checks))
    (apply #'qdb-test-fail format-string args)))

(defun qdb-test-wait (what predicate)
  "Process output until PREDICATE holds; fail, saying WHAT, on timeout."
  (let ((deadline (+ (float-time) qdb-test-timeout)))
    (while (not (funcall predicate))
      (when (> (float-time) deadline)
        (qdb-test-fail "timed out after %ds waiting for %s" qdb-test-timeout what))
      (accept-process-output nil 0.05))
    (setq qdb-test-last-wait what)
    (setq qdb-test-checks (1+ qdb-test-checks))))

(defun qdb-test-end (buffer)
  "A marker at the end of BUFFER: what follows is new.  Not a number, as
gud deletes the prompt before it when a command is sent."
  (with-current-buffer buffer (copy-marker (point-max))))

(defun qdb-test-text-since (buffer start)
  (with-current-buffer buffer
    (buffer-substring-no-properties start (point-max))))

(defun qdb-test-arrow ()
  "Where gud's overlay arrow is: (FILE . LINE), or nil."
  (let ((marker gud-overlay-arrow-position))
    (when (and marker (marker-buffer marker))
      (with-current-buffer (marker-buffer marker)
        (cons buffer-file-name
              (save-restriction (widen) (line-number-at-pos marker)))))))

(defun qdb-test-gud-move (what file line command)
  "Run COMMAND and wait for its stop at FILE:LINE, in the gud buffer's text
and by gud's arrow; WHAT names the move for a failure."
  (let ((start (qdb-test-end gud-comint-buffer))
        (marker (format "> %s(%d)" file line)))
    (funcall command)
    (qdb-test-wait (format "%s: the stop at %s:%d" what file line)
                   (lambda ()
                     (and (string-match-p (regexp-quote marker)
                                          (qdb-test-text-since gud-comint-buffer start))
                          (equal (qdb-test-arrow) (cons file line)))))))

(defun qdb-test-in-gud (command)
  "COMMAND, a gud command, as typed in the gud buffer."
  (lambda () (with-current-buffer gud-comint-buffer (funcall command 1))))

(defun qdb-test-at-line (source line command)
  "COMMAND, a gud command, as typed in SOURCE's buffer with point on LINE."
  (lambda ()
    (with-current-buffer source
      (goto-char (point-min))
      (forward-line (1- line))
      (funcall command 1))))

(defun qdb-test-gud-output (what regexp start)
  (qdb-test-wait (format "%s: output matching %S" what regexp)
                 (lambda () (string-match-p regexp (qdb-test-text-since gud-comint-buffer start)))))

(defun qdb-test-gud-clean ()
  "No terminal escapes reached the gud buffer."
  (qdb-test-check (not (string-match-p "\e" (qdb-test-text-since gud-comint-buffer 1)))
                  "escape sequences in the gud buffer"))

(defun qdb-test-quit (buffer)
  "Quit qdb-cli in BUFFER with `quit' and wait for it to exit with 0."
  (let ((process (get-buffer-process buffer))
        (start (qdb-test-end buffer)))
    (with-current-buffer buffer
      (if (eq buffer gud-comint-buffer)
          (gud-call "quit")
        ;; Not `comint-send-input': with `comint-process-echoes' it waits
        ;; for the echo and then reads the buffer's process, which qdb-cli
        ;; may have ended by then, quitting at once.
        (process-send-string process "quit\n")))
    (qdb-test-wait "qdb-cli to exit" (lambda () (not (process-live-p process))))
    (qdb-test-check (eq (process-exit-status process) 0)
                    "qdb-cli exited with %s" (process-exit-status process))
    (qdb-test-check (string-match-p "Disabled, goodbye\\." (qdb-test-text-since buffer start))
                    "no goodbye after quit")))

(defun qdb-test-run ()
  (let* ((cli (qdb-test-env "QDB_CLI"))
         (program (qdb-test-env "QDB_TEST_PROGRAM"))
         (uuid (qdb-test-env "QDB_TEST_UUID"))
         (default-directory (file-name-directory program)))
    (qdb (combine-and-quote-strings (list cli "run" "-u" uuid (file-name-nondirectory program))))
    (push gud-comint-buffer qdb-test-buffers)
    (qdb-test-check (equal (buffer-name gud-comint-buffer) "*gud-program.py*")
                    "the gud buffer is %s" (buffer-name gud-comint-buffer))
    (qdb-test-gud-move "the first stop" program 1 #'ignore)
    (qdb-test-wait "the prompt" (lambda () (with-current-buffer gud-comint-buffer
                                             (save-excursion
                                               (goto-char (point-max))
                                               (forward-line 0)
                                               (looking-at comint-prompt-regexp)))))
    (let ((source (marker-buffer gud-overlay-arrow-position)))
      (qdb-test-gud-move "next" program 6 (qdb-test-in-gud #'gud-next))
      (qdb-test-gud-move "next" program 13 (qdb-test-in-gud #'gud-next))
      (qdb-test-gud-move "step into main" program 6 (qdb-test-in-gud #'gud-step))
      (qdb-test-gud-move "step to its first line" program 7 (qdb-test-in-gud #'gud-step))
      (let ((start (qdb-test-end gud-comint-buffer)))
        (funcall (qdb-test-at-line source 9 #'gud-tbreak))
        (qdb-test-gud-output "tbreak" (format "Breakpoint 1 at %s:9" (regexp-quote program)) start))
      (qdb-test-gud-move "continue to the tbreak" program 9 (qdb-test-in-gud #'gud-cont))
      (let ((start (qdb-test-end gud-comint-buffer)))
        (funcall (qdb-test-at-line source 2 #'gud-break))
        (qdb-test-gud-output "break" (format "Breakpoint 2 at %s:2" (regexp-quote program)) start))
      (qdb-test-gud-move "continue to the break" program 2 (qdb-test-in-gud #'gud-cont))
      (qdb-test-gud-move "up" program 9 (qdb-test-in-gud #'gud-up))
      (qdb-test-gud-move "down" program 2 (qdb-test-in-gud #'gud-down))
      (let ((start (qdb-test-end gud-comint-buffer)))
        (funcall (qdb-test-at-line source 2 #'gud-remove))
        (qdb-test-gud-output "clear" (format "Deleted breakpoint 2 at %s:2" (regexp-quote program)) start))
      (qdb-test-gud-move "return" program 3 (qdb-test-in-gud #'gud-finish))
      (qdb-test-gud-move "next, back in main" program 8 (qdb-test-in-gud #'gud-next))
      ;; Past two more calls of square: the cleared breakpoint must not stop.
      (qdb-test-gud-move "until line 10" program 10 (qdb-test-at-line source 10 #'gud-until))
      (let ((start (qdb-test-end gud-comint-buffer)))
        (with-current-buffer source
          (goto-char (point-min))
          (forward-line 9)
          (search-forward ", tot")
          (gud-print 1))
        (qdb-test-gud-output "print total" "^5$" start))
      (qdb-test-gud-clean)
      (qdb-test-quit gud-comint-buffer)
      ;; gud's sentinel takes the arrow away once it hears of the exit,
      ;; which may be after the process is seen gone.
      (qdb-test-wait "the arrow to go after the session" (lambda () (null gud-overlay-arrow-position))))))

(defun qdb-test-attach ()
  (let* ((cli (qdb-test-env "QDB_CLI"))
         (program (qdb-test-env "QDB_TEST_PROGRAM"))
         (address (qdb-test-env "QDB_TEST_ADDRESS"))
         (uuid (qdb-test-env "QDB_TEST_UUID"))
         (auth (qdb-test-env "QDB_TEST_AUTH"))
         (transcript (concat "/tmp/qdb/." uuid))
         (first-stop (format "> %s(1)<module>()" program))
         (second-stop (format "> %s(6)<module>()" program)))
    ;; M-x qdb with the original client's flags.
    (qdb (combine-and-quote-strings (list cli "-w" address "-u" uuid "-a" auth)))
    (push gud-comint-buffer qdb-test-buffers)
    (qdb-test-check (equal (buffer-name gud-comint-buffer) (format "*gud-%s*" uuid))
                    "the gud buffer is %s" (buffer-name gud-comint-buffer))
    (qdb-test-gud-move "the first stop, attached" program 1 #'ignore)
    ;; The original qdb.el's way: qdb-cli in a plain comint buffer, which
    ;; expects its input echoed, and the transcript followed by tail -f.
    (let* ((repl (make-comint-in-buffer "qdb" nil cli nil "-w" address "-u" uuid "-a" auth))
           (tail (progn
                   (qdb-test-wait "the transcript file" (lambda () (file-exists-p transcript)))
                   (process-buffer (start-process "qdb-out" "*qdb-out*" "tail" "-f" transcript)))))
      (push repl qdb-test-buffers)
      (push tail qdb-test-buffers)
      (with-current-buffer repl
        (setq-local comint-process-echoes t)
        (setq-local comint-use-prompt-regexp t)
        (setq-local comint-prompt-regexp "(qdb)"))
      (dolist (buffer (list repl tail))
        (qdb-test-wait (format "the first stop in %s" (buffer-name buffer))
                       (lambda () (string-match-p (regexp-quote first-stop)
                                                  (qdb-test-text-since buffer 1)))))
      (qdb-test-wait "the REPL's prompt"
                     (lambda () (with-current-buffer repl
                                  (string-suffix-p "(qdb) " (buffer-string)))))
      ;; A command typed in the REPL moves every client of the session:
      ;; gud's arrow too.
      (qdb-test-gud-move "next, typed in the REPL" program 6
                         (lambda ()
                           (with-current-buffer repl
                             (goto-char (point-max))
                             (insert "next")
                             (comint-send-input))))
      (dolist (buffer (list repl tail))
        (qdb-test-wait (format "the second stop in %s" (buffer-name buffer))
                       (lambda () (string-match-p (regexp-quote second-stop)
                                                  (qdb-test-text-since buffer 1)))))
      (qdb-test-check (not (string-match-p "\e" (qdb-test-text-since repl 1)))
                      "escape sequences in the REPL buffer")
      (qdb-test-gud-clean)
      ;; `quit' ends the session, so both clients go. gud's sentinel may
      ;; part the gud client from its buffer as soon as it exits: it is
      ;; held here, before the quit.
      (let ((gud-client (get-buffer-process gud-comint-buffer)))
        (qdb-test-quit repl)
        (qdb-test-wait "the gud client to exit" (lambda () (not (process-live-p gud-client)))))
      (delete-process (get-buffer-process tail)))))

(defun qdb-test-main ()
  ;; Timers run while the test waits for output, even inside comint's own
  ;; waits: nothing outlives this.
  (run-at-time (* 4 qdb-test-timeout) nil
               (lambda () (qdb-test-fail "the whole test took over %ds" (* 4 qdb-test-timeout))))
  (condition-case err
      (pcase (qdb-test-env "QDB_TEST_MODE")
        ("run" (qdb-test-run))
        ("attach" (qdb-test-attach))
        (mode (qdb-test-fail "unknown QDB_TEST_MODE %s" mode)))
    (error (qdb-test-fail "error: %S" err)))
  (princ (format "qdb-test: ok %d checks\n" qdb-test-checks))
  (kill-emacs 0))

(qdb-test-main)

;;; gud-test.el ends here
