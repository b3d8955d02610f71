//! The conformance suite: Pykka's own test suite, ported, plus the behaviours a port
//! must get right, run against any [`Runtime`](pykka_core::Runtime).
//!
//! Every case is an ordinary generic function, `pub fn case_name<R: Runtime>(rt: R)`,
//! in a module that mirrors one of Pykka's test files ([`actor`], [`actor_ref`],
//! [`future`], [`registry`], [`logging`], [`proxy`]), plus [`cycles`] (ask cycles and
//! the debug snapshot), [`roles`] (one actor subscribed to several event types),
//! [`quiet`] (the panic hook under `quiet_caught_panics`), [`timers`] (`tell_after`,
//! `tell_every`), [`faults`] (behaviours
//! Pykka does not test, and misuse), [`edges`] (promises at the edges: panics and
//! deadlines around replies), [`supervision`] (an actor's end, death watch and their
//! races), [`supervisor`] (the ready-made supervisor), [`children`] (actors started from
//! a `Context`), [`async_actor`] (async handlers), [`bounded`] (bounded inboxes) and [`stress`] (races and blocking chains). A case
//! panics when the runtime breaks the contract; every wait in it is bounded, so a
//! broken backend fails in seconds instead of hanging. Each case uses a registry of
//! its own, never [`ActorRegistry::global`](pykka_core::ActorRegistry::global), so cases
//! run in parallel.
//!
//! Case names are Pykka's test names without `test_` (`grep
//! ask_can_timeout_if_blocked_too_long` finds both); where two Pykka files share a
//! name, the case carries its module's prefix (`ref_`, `proxy_`).
//!
//! # Running the suite for a backend
//!
//! Add this crate to the backend's dev-dependencies and write one line in an
//! integration test file (say `tests/conformance.rs`):
//!
//! ```ignore
//! pykka_conformance::suite!(my_backend::MyRuntime::default());
//! ```
//!
//! [`suite!`](crate::suite) expands to one `#[test]` per case, each calling the case
//! with a fresh runtime made by evaluating the expression again, so that `cargo test`
//! reports and filters every case on its own (`cargo test --test conformance
//! registry`).
//!
//! # Opting out of a case
//!
//! A backend that truly cannot pass a case marks it ignored, with a reason, in the
//! same line; the case then shows as `ignored` in every report (never skip a case by
//! returning early, which would report a pass):
//!
//! ```ignore
//! pykka_conformance::suite!(my_backend::MyRuntime::default(); ignore {
//!     blocking_chain_of_64: "the executor has 8 workers and no hand-off yet",
//! });
//! ```
//!
//! A name that is not a case is a compile error. `cargo test -- --ignored` still runs
//! the ignored cases.
//!
//! # Reusing the fixtures
//!
//! [`support`] holds the test actors, [`support::Events`], the per-case
//! [`support::Fixture`] and the log capture; [`stress::blocking_chain`] is public for
//! backends to run with small worker counts.

/// In an `impl Actor` of the suite: an `on_receive_async` that, once
/// [`support::with_async_handlers`] was called, first awaits a future that is pending
/// once (a real suspension), then runs the actor's `on_receive`. So the second
/// instantiation of the suite runs every case with async handlers.
macro_rules! awaiting_handler {
    () => {
        async fn on_receive_async(
            &mut self,
            message: Self::Message,
            ctx: &pykka_core::Context<Self>,
        ) -> Result<Self::Reply, pykka_core::Failure> {
            $crate::support::maybe_yield().await;
            self.on_receive(message, ctx)
        }
    };
}

pub mod actor;
pub mod actor_ref;
pub mod async_actor;
pub mod async_hooks;
pub mod bounded;
pub mod children;
pub mod contract;
pub mod cycles;
pub mod edges;
pub mod faults;
pub mod future;
pub mod logging;
pub mod proxy;
pub mod quiet;
pub mod registry;
pub mod roles;
pub mod stress;
pub mod supervision;
pub mod supervisor;
pub mod support;
pub mod timers;

/// Expands to one `#[test]` per conformance case, each run on a fresh runtime made by
/// evaluating `$runtime`.
///
/// `suite!(expr)` runs every case; `suite!(expr; ignore { case: "reason", ... })` marks
/// the named cases `#[ignore = "reason"]`. See the [crate docs](crate) for
/// details.
///
/// ```ignore
/// pykka_conformance::suite!(pykka_thread::ThreadRuntime::default());
/// ```
#[macro_export]
macro_rules! suite {
    ($runtime:expr $(,)?) => {
        $crate::suite!($runtime; ignore {});
    };
    ($runtime:expr; ignore { $($case:ident : $reason:literal),* $(,)? }) => {
        $crate::__pykka_suite_impl!(($) ($runtime) ($($case : $reason),*));
    };
}

/// Builds a local macro that emits one case's test, with `#[ignore]` for the named
/// cases, and feeds it the case list. `$d` is a `$` token, so that the local macro
/// can have variables of its own.
#[doc(hidden)]
#[macro_export]
macro_rules! __pykka_suite_impl {
    (($d:tt) ($runtime:expr) ($($case:ident : $reason:literal),*)) => {
        macro_rules! __pykka_case {
            $(
                ($d module:ident :: $case) => {
                    #[test]
                    #[ignore = $reason]
                    fn $case() {
                        $crate::$d module::$case($runtime)
                    }
                };
            )*
            ($d module:ident :: $d name:ident) => {
                #[test]
                fn $d name() {
                    $crate::$d module::$d name($runtime)
                }
            };
        }
        // An ignored name that is not a case fails to compile here.
        const _: () = {
            $(let _ = $case;)*
        };
        $crate::__pykka_suite_cases!(__pykka_case);
    };
}

/// Expands to one `#[test]` per cross-runtime case of [`contract::cross`], in a module
/// named `$name`, each run with fresh runtimes made by evaluating `$a` and `$b` again
/// (the expressions are resolved in the calling module).
///
/// A backend runs it against each built-in backend (and against itself), in both
/// orders, so that its actors and theirs wait for each other correctly:
///
/// ```ignore
/// pykka_conformance::cross_suite!(mine_then_thread; MyRuntime::default(), pykka_thread::ThreadRuntime::default());
/// pykka_conformance::cross_suite!(thread_then_mine; pykka_thread::ThreadRuntime::default(), MyRuntime::default());
/// ```
#[macro_export]
macro_rules! cross_suite {
    ($name:ident; $a:expr, $b:expr $(,)?) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn actors_wait_for_each_other() {
                $crate::contract::cross::actors_wait_for_each_other($a, $b)
            }

            #[test]
            fn alternating_chain_of_32() {
                $crate::contract::cross::alternating_chain_of_32($a, $b)
            }

            #[test]
            fn events_replies_and_stops_cross() {
                $crate::contract::cross::events_replies_and_stops_cross($a, $b)
            }

            #[test]
            fn ask_cycles_across_runtimes() {
                $crate::cycles::cross::ask_cycles_across_runtimes($a, $b)
            }

            #[test]
            fn watch_across_runtimes() {
                $crate::supervision::cross::watch_across_runtimes($a, $b)
            }

            #[test]
            fn supervisor_across_runtimes() {
                $crate::supervisor::cross::supervisor_across_runtimes($a, $b)
            }

            #[test]
            fn children_stay_on_their_parents_runtime() {
                $crate::children::cross::children_stay_on_their_parents_runtime($a, $b)
            }

            #[test]
            fn async_and_sync_actors_chain_across_runtimes() {
                $crate::async_actor::cross::async_and_sync_actors_chain_across_runtimes($a, $b)
            }

            #[test]
            fn bounded_inboxes_across_runtimes() {
                $crate::bounded::cross::bounded_inboxes_across_runtimes($a, $b)
            }
        }
    };
}

/// The single list of cases, in module order.
#[doc(hidden)]
#[macro_export]
macro_rules! __pykka_suite_cases {
    ($m:ident) => {
        $m!(actor::messages_left_in_queue_after_actor_stops_receive_an_error);
        $m!(actor::stop_requests_left_in_queue_after_actor_stops_are_handled);
        $m!(actor::actor_has_an_uuid4_based_urn);
        $m!(actor::actor_has_unique_uuid);
        $m!(actor::str_on_raw_actor_contains_actor_class_name);
        $m!(actor::str_on_raw_actor_contains_actor_urn);
        $m!(actor::on_start_is_called_before_first_message_is_processed);
        $m!(actor::on_start_is_called_after_the_actor_is_registered);
        $m!(actor::on_start_can_stop_actor_before_receive_loop_is_started);
        $m!(actor::on_start_failure_causes_actor_to_stop);
        $m!(actor::on_stop_is_called_when_actor_is_stopped);
        $m!(actor::on_stop_failure_causes_actor_to_stop);
        $m!(actor::on_failure_is_called_when_exception_cannot_be_returned);
        $m!(actor::on_failure_failure_causes_actor_to_stop);
        $m!(actor::actor_is_stopped_when_unhandled_exceptions_are_raised);
        $m!(actor::all_actors_are_stopped_on_base_exception);
        $m!(actor::actor_can_call_stop_on_self_multiple_times);
        $m!(actor::actor_processes_all_messages_before_stop_on_self_stops_it);
        $m!(actor_ref::ref_repr_is_wrapped_in_lt_and_gt);
        $m!(actor_ref::handles_are_send_sync_clone_and_work_from_other_threads);
        $m!(actor_ref::repr_reveals_that_this_is_a_ref);
        $m!(actor_ref::ref_repr_contains_actor_class_name);
        $m!(actor_ref::ref_repr_contains_actor_urn);
        $m!(actor_ref::ref_str_contains_actor_class_name);
        $m!(actor_ref::ref_str_contains_actor_urn);
        $m!(actor_ref::is_alive_returns_true_for_running_actor);
        $m!(actor_ref::is_alive_returns_false_for_dead_actor);
        $m!(actor_ref::stop_returns_true_if_actor_is_stopped);
        $m!(actor_ref::stop_does_not_stop_already_dead_actor);
        $m!(actor_ref::tell_delivers_message_to_actors_custom_on_receive);
        $m!(actor_ref::tell_accepts_any_object_as_the_message);
        $m!(actor_ref::tell_fails_if_actor_is_stopped);
        $m!(actor_ref::ask_blocks_until_response_arrives);
        $m!(actor_ref::ask_can_timeout_if_blocked_too_long);
        $m!(actor_ref::ask_can_return_future_instead_of_blocking);
        $m!(actor_ref::ask_fails_if_actor_is_stopped);
        $m!(actor_ref::ask_nonblocking_fails_future_if_actor_is_stopped);
        $m!(future::set_multiple_times_fails);
        $m!(future::get_all_blocks_until_all_futures_are_available);
        $m!(future::get_all_raises_timeout_if_not_all_futures_are_available);
        $m!(future::get_all_can_be_called_multiple_times);
        $m!(future::future_in_future_works);
        $m!(future::get_raises_exception_with_full_traceback);
        $m!(future::future_supports_await_syntax);
        $m!(future::get_hook_is_only_called_once_even_if_result_is_none);
        $m!(future::set_is_not_allowed_on_future_with_get_hook);
        $m!(future::set_exception_is_not_allowed_on_future_with_get_hook);
        $m!(future::set_hook_is_not_allowed_on_future_with_result);
        $m!(future::filter_excludes_items_not_matching_predicate);
        $m!(future::filter_preserves_the_timeout_kwarg);
        $m!(future::filter_reuses_result_if_called_multiple_times);
        $m!(future::join_combines_multiple_futures_into_one);
        $m!(future::join_preserves_timeout_kwarg);
        $m!(future::map_returns_future_which_passes_result_through_func);
        $m!(future::map_works_on_dict);
        $m!(future::map_does_not_map_each_value_in_futures_iterable_result);
        $m!(future::map_preserves_timeout_kwarg);
        $m!(future::map_reuses_result_if_called_multiple_times);
        $m!(future::reduce_applies_function_cumulatively_from_the_left);
        $m!(future::reduce_accepts_an_initial_value);
        $m!(future::reduce_preserves_the_timeout_kwarg);
        $m!(future::reduce_reuses_result_if_called_multiple_times);
        $m!(registry::actor_is_registered_when_started);
        $m!(registry::actor_is_unregistered_when_stopped);
        $m!(registry::actor_may_be_registered_manually);
        $m!(registry::actor_may_be_unregistered_multiple_times_without_error);
        $m!(registry::all_actors_can_be_stopped_through_registry);
        $m!(registry::stop_all_stops_last_started_actor_first_if_blocking);
        $m!(registry::actors_may_be_looked_up_by_class);
        $m!(registry::actors_may_be_looked_up_by_superclass);
        $m!(registry::actors_may_be_looked_up_by_class_name);
        $m!(registry::actors_may_be_looked_up_by_urn);
        $m!(registry::get_by_urn_returns_none_if_not_found);
        $m!(registry::broadcast_sends_message_to_all_actors_if_no_target);
        $m!(registry::broadcast_sends_message_to_all_actors_of_given_class);
        $m!(registry::broadcast_sends_message_to_all_actors_of_given_class_name);
        $m!(roles::one_actor_plays_several_listener_roles);
        $m!(roles::subscriptions_end_when_the_actor_stops_or_fails);
        $m!(roles::recipient_tells_like_tell);
        $m!(quiet::caught_panics_are_quiet_and_others_are_not);
        $m!(logging::unexpected_messages_are_logged);
        $m!(logging::unexpected_messages_are_logged_with_the_message_if_shown);
        $m!(logging::exception_is_logged_when_returned_to_caller);
        $m!(logging::exception_is_logged_when_returned_to_caller_of_a_proxy_call);
        $m!(logging::exception_is_logged_when_not_reply_requested);
        $m!(logging::base_exception_is_logged);
        $m!(logging::exception_in_on_start_is_logged);
        $m!(logging::exception_in_on_stop_is_logged);
        $m!(logging::exception_in_on_failure_is_logged);
        $m!(logging::lifecycle_is_logged_at_debug);
        $m!(logging::dropped_queued_messages_are_logged_at_debug);
        $m!(proxy::eq_to_self);
        $m!(proxy::is_hashable);
        $m!(proxy::eq_to_another_proxy_for_same_actor_and_attr_path);
        $m!(proxy::not_eq_to_proxy_with_different_attr_path);
        $m!(proxy::proxy_repr_is_wrapped_in_lt_and_gt);
        $m!(proxy::repr_reveals_that_this_is_a_proxy);
        $m!(proxy::proxy_repr_contains_actor_class_name);
        $m!(proxy::proxy_repr_contains_actor_urn);
        $m!(proxy::repr_contains_attr_path);
        $m!(proxy::proxy_str_contains_actor_class_name);
        $m!(proxy::proxy_str_contains_actor_urn);
        $m!(proxy::refs_proxy_method_returns_a_proxy);
        $m!(proxy::proxy_constructor_raises_exception_if_actor_is_dead);
        $m!(proxy::actor_ref_may_be_retrieved_from_proxy_if_actor_is_dead);
        $m!(proxy::attr_can_be_read_using_get_postfix);
        $m!(proxy::attr_can_be_set_using_assignment);
        $m!(proxy::functional_method_call_returns_correct_value);
        $m!(proxy::side_effect_of_method_call_is_observable);
        $m!(proxy::side_effect_of_deferred_method_call_is_observable);
        $m!(proxy::exception_in_method_reraised_by_future);
        $m!(proxy::exception_in_deferred_method_call_triggers_on_failure);
        $m!(proxy::can_proxy_itself_for_offloading_work_to_the_future);
        $m!(proxy::attr_of_traversable_attr_can_be_read);
        $m!(proxy::proxy_of_dead_actor_fails_reads_via_reply_and_writes_at_once);
        $m!(proxy::typed_proxy_method);
        $m!(proxy::typed_proxy_of_a_member_and_a_nested_member);
        $m!(proxy::typed_proxy_try_method_fails_its_reply_with_the_error);
        $m!(proxy::typed_proxy_deferred_calls_are_told);
        $m!(proxy::typed_proxy_deferred_try_method_error_fails_the_actor);
        $m!(proxy::join_waits_for_replies_of_different_types);
        $m!(faults::on_start_failure_skips_on_stop_and_on_failure);
        $m!(faults::actor_is_dead_and_unregistered_in_on_stop_and_on_failure);
        $m!(faults::stop_returns_true_even_if_on_stop_fails);
        $m!(faults::ask_failure_leaves_actor_alive_and_processing);
        $m!(faults::timed_out_ask_is_still_handled);
        $m!(faults::timed_out_stop_still_stops_the_actor);
        $m!(faults::stop_all_nonblocking_returns_one_reply_per_actor);
        $m!(faults::stop_all_timeout_aborts_at_first_timeout);
        $m!(faults::stop_all_from_inside_a_handler_does_not_deadlock);
        $m!(faults::each_senders_messages_arrive_in_order);
        $m!(faults::set_field_blocks_and_surfaces_errors);
        $m!(faults::panic_in_ask_handler_fails_the_reply);
        $m!(faults::zero_timeouts_only_look);
        $m!(faults::get_repeats_and_take_moves_once);
        $m!(faults::set_reply_twice_is_an_error);
        $m!(faults::message_told_to_self_is_processed_after_queued_messages);
        $m!(faults::tell_to_dead_actor_hands_the_message_back);
        $m!(faults::ask_queued_behind_failing_tell_fails);
        $m!(faults::stop_twice_from_several_threads);
        $m!(faults::blocking_stop_from_on_start_is_queued);
        $m!(faults::context_proxy_is_refused_once_the_actor_stops_itself);
        $m!(faults::actor_asking_itself_gets_deadlock_error);
        $m!(faults::actor_waiting_for_its_own_reply_gets_deadlock_error);
        $m!(faults::panicking_hooks_keep_their_message);
        $m!(faults::panicking_drops_at_an_actor_s_end_harm_no_other_actor);
        $m!(faults::an_actor_is_dropped_before_its_end_is_published);
        $m!(edges::combinators_leave_their_source_readable);
        $m!(edges::panicking_combinator_fails_every_getter);
        $m!(edges::panicking_get_hook_fails_every_getter);
        $m!(edges::deadlines_bound_get_hooks);
        $m!(edges::only_the_actor_completes_its_reply);
        $m!(edges::panicking_waker_of_an_asker_harms_nobody);
        $m!(contract::hooks_may_wait_for_other_actors);
        $m!(contract::a_thousand_blocked_handlers_all_finish);
        $m!(contract::actors_outlive_the_dropped_runtime_value);
        $m!(contract::sleep_parks_only_the_calling_context);
        $m!(cycles::two_actor_ask_cycle_is_refused);
        $m!(cycles::three_actor_ask_cycle_is_refused);
        $m!(cycles::every_blocking_wait_refuses_a_cycle);
        $m!(cycles::simultaneous_asks_never_hang);
        $m!(cycles::unawaited_ask_is_not_a_cycle);
        $m!(cycles::reply_passed_to_a_third_actor_is_not_a_cycle);
        $m!(cycles::timed_out_wait_is_not_a_cycle);
        $m!(cycles::reply_set_by_hand_is_not_a_cycle);
        $m!(cycles::snapshot_shows_states_waits_and_threads);
        $m!(cycles::log_actor_states_logs_every_actor_at_error);
        $m!(timers::tell_after_delivers_once_even_if_the_handle_is_dropped);
        $m!(timers::cancelled_tell_after_never_arrives);
        $m!(timers::tell_every_ticks_until_cancelled);
        $m!(timers::tell_every_skips_ticks_behind_a_busy_actor);
        $m!(timers::timers_end_when_their_actor_stops);
        $m!(supervision::stopped_resolves_with_the_reason_of_each_end);
        $m!(supervision::stop_reason_stays_normal_when_on_stop_fails);
        $m!(supervision::waiting_for_own_end_is_a_deadlock_error);
        $m!(supervision::stopped_after_ask_failure_keeps_the_actor_running);
        $m!(supervision::watcher_is_notified_once_with_urn_name_and_reason);
        $m!(supervision::watching_a_dead_actor_notifies_at_once);
        $m!(supervision::watching_itself_is_an_error);
        $m!(supervision::unwatch_drops_the_notification_even_if_queued);
        $m!(supervision::dead_watcher_is_skipped_silently);
        $m!(supervision::failing_on_watched_stopped_fails_the_watcher);
        $m!(supervision::watch_racing_with_the_end_notifies_exactly_once);
        $m!(supervision::watch_and_notify_are_logged_at_debug);
        $m!(supervisor::supervisor_restarts_a_failed_child_as_a_new_registered_actor);
        $m!(supervisor::restart_kinds_decide_what_is_restarted);
        $m!(supervisor::one_for_all_restarts_every_child);
        $m!(supervisor::rest_for_one_restarts_the_later_children);
        $m!(supervisor::restarts_past_the_intensity_make_the_supervisor_give_up);
        $m!(supervisor::children_stop_in_reverse_order_with_their_supervisor);
        $m!(supervisor::child_failing_while_its_supervisor_stops);
        $m!(children::child_runs_on_the_parents_runtime_and_registry);
        $m!(children::child_fails_like_any_actor);
        $m!(children::start_watched_notifies_once_even_for_an_instant_end);
        $m!(children::inherited_child_specs_restart_on_the_supervisors_runtime);
        $m!(async_actor::async_handler_awaits_two_replies_together);
        $m!(async_actor::async_actor_handles_one_message_at_a_time);
        $m!(async_actor::async_failures_and_panics_follow_the_rules);
        $m!(async_actor::stop_waits_for_the_awaiting_handler);
        $m!(async_actor::awaiting_each_other_is_refused_as_a_deadlock);
        $m!(async_actor::sync_and_async_waits_close_cycles_together);
        $m!(async_actor::an_answered_await_is_no_cycle);
        $m!(async_actor::an_await_given_up_ends_its_wait);
        $m!(async_hooks::async_hooks_await_other_actors);
        $m!(async_hooks::async_hook_failures_follow_the_rules);
        $m!(async_hooks::an_async_hook_awaiting_its_own_actor_is_refused_as_a_deadlock);
        $m!(bounded::full_inbox_makes_tell_wait_for_room);
        $m!(bounded::sender_actor_waits_for_room_without_blocking_its_runtime);
        $m!(bounded::try_tell_and_tell_timeout_hand_the_message_back);
        $m!(bounded::stop_requests_never_wait_for_room);
        $m!(bounded::waiting_senders_get_their_message_back_when_the_actor_ends);
        $m!(bounded::an_actor_telling_itself_goes_over_the_capacity);
        $m!(bounded::ask_waits_for_room_within_its_timeout);
        $m!(bounded::tell_async_awaits_room);
        $m!(bounded::timers_never_wait_for_room);
        $m!(bounded::mailbox_capacity_is_reported_and_zero_is_a_start_error);
        $m!(bounded::a_send_that_would_close_a_cycle_goes_over_the_capacity);
        $m!(bounded::a_cycle_closed_by_an_ask_makes_the_waiting_sender_give_way);
        $m!(stress::asks_racing_with_stop_all_end);
        $m!(stress::blocking_chain_of_64);
        $m!(stress::benchmark_operations_run_ten_times);
    };
}
