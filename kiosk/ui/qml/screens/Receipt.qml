import QtQuick
import "../components"

Item {
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: session.receipt.submitted || ""; color: Theme.success }
        KText { width: parent.width; text: session.receipt.item || "" }
        KText { width: parent.width; color: Theme.muted; text: qsTr("Tracking number") }
        KText {
            objectName: "trackingNo"
            width: parent.width
            font.pixelSize: Theme.fontHuge
            font.bold: true
            text: session.receipt.trackingNo || ""
        }
        Image {
            objectName: "receiptQr"
            anchors.horizontalCenter: parent.horizontalCenter
            source: session.receipt.qr || ""
            cache: false
            sourceSize.width: width
            sourceSize.height: width
            width: Theme.minTouch * (session.receipt.printState === "failed" ? 6 : 4)
            height: width
        }
        KText {
            objectName: "printStatus"
            width: parent.width
            visible: text !== ""
            font.bold: session.receipt.printState === "failed"
            color: session.receipt.printState === "failed" ? Theme.error : Theme.text
            text: session.receipt.printText || ""
        }
        BigButton {
            objectName: "printA4"
            visible: session.receipt.canPrintA4 || false
            anchors.horizontalCenter: parent.horizontalCenter
            text: session.receipt.a4Label || ""
            onClicked: session.printA4Copy()
        }
        KText {
            objectName: "a4Status"
            width: parent.width
            visible: text !== ""
            text: session.receipt.a4Text || ""
        }
        KText { width: parent.width; text: session.receipt.nextSteps || "" }
        KText { width: parent.width; color: Theme.muted; text: session.receipt.time || "" }
    }
    Row {
        anchors { bottom: parent.bottom; right: parent.right }
        spacing: Theme.spacing
        BigButton {
            objectName: "finish"
            text: qsTr("Finish")
            onClicked: session.finish()
        }
        BigButton {
            objectName: "continueToRating"
            primary: true
            text: qsTr("Rate this service")
            onClicked: session.continueToRating()
        }
    }
}
