/* SPDX-License-Identifier: GPL-2.0 OR Linux-OpenIB */
/*
 * Tracepoints of the ENA driver's control path: the admin queue, AENQ
 * events, device resets and the IO queue life cycle. They are off unless
 * enabled in tracefs (events/ena/), and cost a patched-out branch each
 * while off.
 *
 * Field meanings are the same in every event: dev is the PCI device name,
 * cmd_id the admin command's slot in the admin queue, qid the IO queue ID
 * of ena_com (2N for TX ring N, 2N + 1 for RX ring N).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ena

#if !defined(_ENA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ENA_TRACE_H

#include <linux/device.h>
#include <linux/tracepoint.h>

#include "ena_com.h"

/* Let user space tools that parse the format files resolve the names */
TRACE_DEFINE_ENUM(ENA_ADMIN_CREATE_SQ);
TRACE_DEFINE_ENUM(ENA_ADMIN_DESTROY_SQ);
TRACE_DEFINE_ENUM(ENA_ADMIN_CREATE_CQ);
TRACE_DEFINE_ENUM(ENA_ADMIN_DESTROY_CQ);
TRACE_DEFINE_ENUM(ENA_ADMIN_GET_FEATURE);
TRACE_DEFINE_ENUM(ENA_ADMIN_SET_FEATURE);
TRACE_DEFINE_ENUM(ENA_ADMIN_GET_STATS);

TRACE_DEFINE_ENUM(ENA_ADMIN_SUCCESS);
TRACE_DEFINE_ENUM(ENA_ADMIN_RESOURCE_ALLOCATION_FAILURE);
TRACE_DEFINE_ENUM(ENA_ADMIN_BAD_OPCODE);
TRACE_DEFINE_ENUM(ENA_ADMIN_UNSUPPORTED_OPCODE);
TRACE_DEFINE_ENUM(ENA_ADMIN_MALFORMED_REQUEST);
TRACE_DEFINE_ENUM(ENA_ADMIN_ILLEGAL_PARAMETER);
TRACE_DEFINE_ENUM(ENA_ADMIN_UNKNOWN_ERROR);
TRACE_DEFINE_ENUM(ENA_ADMIN_RESOURCE_BUSY);

TRACE_DEFINE_ENUM(ENA_ADMIN_LINK_CHANGE);
TRACE_DEFINE_ENUM(ENA_ADMIN_FATAL_ERROR);
TRACE_DEFINE_ENUM(ENA_ADMIN_WARNING);
TRACE_DEFINE_ENUM(ENA_ADMIN_NOTIFICATION);
TRACE_DEFINE_ENUM(ENA_ADMIN_KEEP_ALIVE);
TRACE_DEFINE_ENUM(ENA_ADMIN_DEVICE_REQUEST_RESET);

TRACE_DEFINE_ENUM(ENA_REGS_RESET_NORMAL);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_KEEP_ALIVE_TO);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_ADMIN_TO);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_MISS_TX_CMPL);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_INV_RX_REQ_ID);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_INV_TX_REQ_ID);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_TOO_MANY_RX_DESCS);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_INIT_ERR);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_DRIVER_INVALID_STATE);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_OS_TRIGGER);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_OS_NETDEV_WD);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_SHUTDOWN);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_USER_TRIGGER);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_GENERIC);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_MISS_INTERRUPT);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_SUSPECTED_POLL_STARVATION);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_RX_DESCRIPTOR_MALFORMED);
TRACE_DEFINE_ENUM(ENA_REGS_RESET_DEVICE_REQUEST);

TRACE_DEFINE_ENUM(ENA_COM_IO_QUEUE_DIRECTION_TX);
TRACE_DEFINE_ENUM(ENA_COM_IO_QUEUE_DIRECTION_RX);

/* a shorter name, to fit the line below */
#define ENA_TRACE_RESET_POLL_STARVATION ENA_REGS_RESET_SUSPECTED_POLL_STARVATION

#define ena_trace_show_opcode(opcode)					\
	__print_symbolic(opcode,					\
			 { ENA_ADMIN_CREATE_SQ, "create_sq" },		\
			 { ENA_ADMIN_DESTROY_SQ, "destroy_sq" },	\
			 { ENA_ADMIN_CREATE_CQ, "create_cq" },		\
			 { ENA_ADMIN_DESTROY_CQ, "destroy_cq" },	\
			 { ENA_ADMIN_GET_FEATURE, "get_feature" },	\
			 { ENA_ADMIN_SET_FEATURE, "set_feature" },	\
			 { ENA_ADMIN_GET_STATS, "get_stats" })

TRACE_EVENT(ena_admin_submit,
	    TP_PROTO(const struct ena_com_dev *ena_dev, u8 opcode, u16 cmd_id),
	    TP_ARGS(ena_dev, opcode, cmd_id),
	    TP_STRUCT__entry(__string(dev, dev_name(ena_dev->dmadev))
			     __field(u8, opcode)
			     __field(u16, cmd_id)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->opcode = opcode;
			   __entry->cmd_id = cmd_id;),
	    TP_printk("%s opcode=%s cmd_id=%u", __get_str(dev),
		      ena_trace_show_opcode(__entry->opcode),
		      __entry->cmd_id)
);

TRACE_EVENT(ena_admin_complete,
	    TP_PROTO(const struct ena_com_dev *ena_dev, u8 opcode, u16 cmd_id,
		     u8 status, ktime_t submitted),
	    TP_ARGS(ena_dev, opcode, cmd_id, status, submitted),
	    TP_STRUCT__entry(__string(dev, dev_name(ena_dev->dmadev))
			     __field(u8, opcode)
			     __field(u16, cmd_id)
			     __field(u8, status)
			     __field(u64, latency_us)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->opcode = opcode;
			   __entry->cmd_id = cmd_id;
			   __entry->status = status;
			   /* 0: not measured, the event was enabled
			    * after the command was submitted
			    */
			   __entry->latency_us = submitted ?
				ktime_us_delta(ktime_get(), submitted) : 0;),
	    TP_printk("%s opcode=%s cmd_id=%u status=%s latency_us=%llu",
		      __get_str(dev),
		      ena_trace_show_opcode(__entry->opcode),
		      __entry->cmd_id,
		      __print_symbolic(__entry->status,
				       { ENA_ADMIN_SUCCESS, "success" },
				       { ENA_ADMIN_RESOURCE_ALLOCATION_FAILURE,
					 "resource_allocation_failure" },
				       { ENA_ADMIN_BAD_OPCODE, "bad_opcode" },
				       { ENA_ADMIN_UNSUPPORTED_OPCODE,
					 "unsupported_opcode" },
				       { ENA_ADMIN_MALFORMED_REQUEST,
					 "malformed_request" },
				       { ENA_ADMIN_ILLEGAL_PARAMETER,
					 "illegal_parameter" },
				       { ENA_ADMIN_UNKNOWN_ERROR,
					 "unknown_error" },
				       { ENA_ADMIN_RESOURCE_BUSY,
					 "resource_busy" }),
		      __entry->latency_us)
);

/* An admin command the device did not complete in time: the driver stops
 * using the admin queue and resets the device. late_completion is set
 * when the completion was there but its interrupt never came.
 */
TRACE_EVENT(ena_admin_timeout,
	    TP_PROTO(const struct ena_com_dev *ena_dev, u8 opcode, u16 cmd_id,
		     u32 timeout_us, bool late_completion),
	    TP_ARGS(ena_dev, opcode, cmd_id, timeout_us, late_completion),
	    TP_STRUCT__entry(__string(dev, dev_name(ena_dev->dmadev))
			     __field(u8, opcode)
			     __field(u16, cmd_id)
			     __field(u32, timeout_us)
			     __field(bool, late_completion)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->opcode = opcode;
			   __entry->cmd_id = cmd_id;
			   __entry->timeout_us = timeout_us;
			   __entry->late_completion = late_completion;),
	    TP_printk("%s opcode=%s cmd_id=%u timeout_us=%u late_completion=%d",
		      __get_str(dev), ena_trace_show_opcode(__entry->opcode),
		      __entry->cmd_id, __entry->timeout_us,
		      __entry->late_completion)
);

TRACE_EVENT(ena_aenq_event,
	    TP_PROTO(const struct ena_com_dev *ena_dev, u16 group,
		     u16 syndrome),
	    TP_ARGS(ena_dev, group, syndrome),
	    TP_STRUCT__entry(__string(dev, dev_name(ena_dev->dmadev))
			     __field(u16, group)
			     __field(u16, syndrome)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->group = group;
			   __entry->syndrome = syndrome;),
	    TP_printk("%s group=%s syndrome=0x%x", __get_str(dev),
		      __print_symbolic(__entry->group,
				       { ENA_ADMIN_LINK_CHANGE, "link_change" },
				       { ENA_ADMIN_FATAL_ERROR, "fatal_error" },
				       { ENA_ADMIN_WARNING, "warning" },
				       { ENA_ADMIN_NOTIFICATION,
					 "notification" },
				       { ENA_ADMIN_KEEP_ALIVE, "keep_alive" },
				       { ENA_ADMIN_DEVICE_REQUEST_RESET,
					 "device_request_reset" }),
		      __entry->syndrome)
);

/* The driver decided to reset the device to recover, and why. The reset
 * itself runs later, in the reset task; resets of a normal probe, removal
 * or devlink reload are not reported.
 */
TRACE_EVENT(ena_reset,
	    TP_PROTO(const struct ena_com_dev *ena_dev,
		     enum ena_regs_reset_reason_types reason),
	    TP_ARGS(ena_dev, reason),
	    TP_STRUCT__entry(__string(dev, dev_name(ena_dev->dmadev))
			     __field(u32, reason)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->reason = reason;),
	    TP_printk("%s reason=%s", __get_str(dev),
		      __print_symbolic(__entry->reason,
				       { ENA_REGS_RESET_NORMAL, "normal" },
				       { ENA_REGS_RESET_KEEP_ALIVE_TO,
					 "keep_alive_timeout" },
				       { ENA_REGS_RESET_ADMIN_TO,
					 "admin_timeout" },
				       { ENA_REGS_RESET_MISS_TX_CMPL,
					 "missing_tx_completion" },
				       { ENA_REGS_RESET_INV_RX_REQ_ID,
					 "invalid_rx_req_id" },
				       { ENA_REGS_RESET_INV_TX_REQ_ID,
					 "invalid_tx_req_id" },
				       { ENA_REGS_RESET_TOO_MANY_RX_DESCS,
					 "too_many_rx_descs" },
				       { ENA_REGS_RESET_INIT_ERR,
					 "init_error" },
				       { ENA_REGS_RESET_DRIVER_INVALID_STATE,
					 "driver_invalid_state" },
				       { ENA_REGS_RESET_OS_TRIGGER,
					 "os_trigger" },
				       { ENA_REGS_RESET_OS_NETDEV_WD,
					 "netdev_watchdog" },
				       { ENA_REGS_RESET_SHUTDOWN, "shutdown" },
				       { ENA_REGS_RESET_USER_TRIGGER,
					 "user_trigger" },
				       { ENA_REGS_RESET_GENERIC, "generic" },
				       { ENA_REGS_RESET_MISS_INTERRUPT,
					 "missing_interrupt" },
				       { ENA_TRACE_RESET_POLL_STARVATION,
					 "suspected_poll_starvation" },
				       { ENA_REGS_RESET_RX_DESCRIPTOR_MALFORMED,
					 "rx_descriptor_malformed" },
				       { ENA_REGS_RESET_DEVICE_REQUEST,
					 "device_request" }))
);

#define ENA_TRACE_IO_QUEUE_FMT \
	"%s qid=%u direction=%s depth=%u msix_vector=%u sq_idx=%u cq_idx=%u llq=%d"

DECLARE_EVENT_CLASS(ena_io_queue,
		    TP_PROTO(const struct ena_com_dev *ena_dev,
			     const struct ena_com_io_sq *io_sq,
			     const struct ena_com_io_cq *io_cq),
		    TP_ARGS(ena_dev, io_sq, io_cq),
		    TP_STRUCT__entry(__string(dev, dev_name(ena_dev->dmadev))
				     __field(u16, qid)
				     __field(u32, direction)
				     __field(u32, depth)
				     __field(u16, msix_vector)
				     __field(u16, sq_idx)
				     __field(u16, cq_idx)
				     __field(bool, llq)),
		    TP_fast_assign(__assign_str(dev);
				   __entry->qid = io_sq->qid;
				   __entry->direction = io_sq->direction;
				   __entry->depth = io_sq->q_depth;
				   __entry->msix_vector = io_cq->msix_vector;
				   __entry->sq_idx = io_sq->idx;
				   __entry->cq_idx = io_cq->idx;
				   __entry->llq = io_sq->mem_queue_type ==
					ENA_ADMIN_PLACEMENT_POLICY_DEV;),
		    TP_printk(ENA_TRACE_IO_QUEUE_FMT,
			      __get_str(dev), __entry->qid,
			      __print_symbolic(__entry->direction,
					       { ENA_COM_IO_QUEUE_DIRECTION_TX,
						 "tx" },
					       { ENA_COM_IO_QUEUE_DIRECTION_RX,
						 "rx" }),
			      __entry->depth, __entry->msix_vector,
			      __entry->sq_idx, __entry->cq_idx, __entry->llq)
);

DEFINE_EVENT(ena_io_queue, ena_queue_create,
	     TP_PROTO(const struct ena_com_dev *ena_dev,
		      const struct ena_com_io_sq *io_sq,
		      const struct ena_com_io_cq *io_cq),
	     TP_ARGS(ena_dev, io_sq, io_cq)
);

DEFINE_EVENT(ena_io_queue, ena_queue_destroy,
	     TP_PROTO(const struct ena_com_dev *ena_dev,
		      const struct ena_com_io_sq *io_sq,
		      const struct ena_com_io_cq *io_cq),
	     TP_ARGS(ena_dev, io_sq, io_cq)
);

#endif /* _ENA_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE ena_trace
#include <trace/define_trace.h>
